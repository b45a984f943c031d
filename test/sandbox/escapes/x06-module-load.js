// X6: module.constructor._load('child_process') from an action module
// kind: action
// expect: error
// stopped-by: `module` is a plain object made by the runner; its constructor is the isolate's Object, with no _load
const cp = module.constructor._load('child_process');
exports.onExecutePostLogin = async (event, api) => {
  cp.execSync('touch ' + event.secrets.MARKER);
  api.idToken.setCustomClaim('escaped', true);
};
