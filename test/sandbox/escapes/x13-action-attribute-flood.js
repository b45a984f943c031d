// X13: 1e6 api.samlResponse.setAttribute calls, errors swallowed
// kind: action
// expect: output|timeout
// stopped-by: commands are capped at 1 000 per login (overflow fails the run even if the action catches the error), or first the CPU budget
exports.onExecutePostLogin = async (event, api) => {

  for (let i = 0; i < 1e6; i++) { try { api.samlResponse.setAttribute('a' + i, 'x'.repeat(100)); } catch (e) {} }
};
