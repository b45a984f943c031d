// X14: fetch('http://169.254.169.254/latest/meta-data/')
// kind: rule
// expect: error
// stopped-by: there is no network capability in the isolate at all: fetch does not exist
function (user, context, callback) {

  fetch('http://169.254.169.254/latest/meta-data/').then(function (r) {
    user.escaped = 'network';
    callback(null, user, context);
  });
}
