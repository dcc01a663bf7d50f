const { PasswordPolicy } = require('./dist/src/services/accounts/passwordPolicy.js');
const p = new PasswordPolicy();
for (const pw of ['Montagne-Kayak-1234-Hibou-567', 'Montagne-Kayak-1-Hibou-7', 'Girafe-Orange-Kayak-17', 'azertyuiop12', 'Pharmacie-Rimouski-2026']) {
  for (let i = 0; i < 3; i++) { const t = performance.now(); const r = p.evaluate(pw, 'CE100001', ['Julie', 'Tremblay']); console.log(pw, (performance.now() - t).toFixed(1), JSON.stringify(r)); }
}
