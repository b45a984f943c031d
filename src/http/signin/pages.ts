// The pages of AWS's sign-in endpoint, in AWS's words and structure:
// - the role chooser ("Select a role:", "Account: <id>", one radio per role, "Sign In") keeps the
//   markup tools parse on https://signin.aws.amazon.com/saml — `fieldset > div.saml-account`,
//   `div.saml-account-name`, `div.saml-role > input.saml-radio[name=roleIndex]` whose value is the
//   role ARN, `label.saml-role-description[for=<ARN>]` (as saml2aws-style parsers and browser
//   extensions read it; the page as described in gsrkreddy95-ops/audit-ai-agent
//   AWS_SAML_ROLE_SELECTION_FIX.md);
// - the refusal: title "AWS Signin", heading "Amazon Web Services Sign In", "Your request included
//   an invalid SAML response. To logout, click here." (the page AWS serves, quoted whole in
//   venth/aws-adfs#439), with the STS error in a details section in the `(Service:
//   AWSSecurityTokenService; Status Code: …; Error Code: …; Request ID: …)` form AWS's troubleshooting
//   guide quotes (reference/aws.md §1.4).
// Every value is escaped: role ARNs and messages come from a document nobody has verified yet.

import { esc, page } from '../console/html.js';
import type { Answer } from '../console/http.js';

export interface RoleChoice {
  readonly roleArn: string;
  readonly principalArn: string;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** AWS's "Select a role" page; the form posts `roleIndex` (a role ARN) with the one-time `ref`. */
export function chooserPage(input: { readonly choices: readonly RoleChoice[]; readonly ref: string; readonly setCookie: string }): Answer {
  const byAccount = new Map<string, RoleChoice[]>();
  for (const c of input.choices) {
    const account = accountOf(c.roleArn);
    const list = byAccount.get(account) ?? [];
    if (!list.some((x) => x.roleArn === c.roleArn)) list.push(c);
    byAccount.set(account, list);
  }
  let first = true;
  const accounts = [...byAccount]
    .map(
      ([account, roles]) =>
        '<div class="saml-account">' +
        `<div class="saml-account-name">Account: ${esc(account)}</div>` +
        roles
          .map((r) => {
            const checked = first ? ' checked' : '';
            first = false;
            return (
              `<div class="saml-role"><input type="radio" name="roleIndex" value="${esc(r.roleArn)}" class="saml-radio" id="${esc(r.roleArn)}"${checked}> ` +
              `<label for="${esc(r.roleArn)}" class="saml-role-description">${esc(roleNameOf(r.roleArn))}</label></div>`
            );
          })
          .join('') +
        '</div>',
    )
    .join('');
  const main =
    '<h1>Amazon Web Services Sign In</h1>' +
    '<form id="saml_form" name="saml_form" method="post" action="/saml">' +
    `<input type="hidden" name="ref" value="${esc(input.ref)}">` +
    `<fieldset><legend>Select a role:</legend>${accounts}</fieldset>` +
    '<p><button type="submit" id="signin_button" class="primary">Sign In</button></p>' +
    '</form>';
  return page(200, { title: 'Amazon Web Services Sign-In', main }, { 'Set-Cookie': input.setCookie });
}

export interface SignInProblem {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly requestId?: string;
}

/** AWS's refusal page, with the STS error (or the endpoint's own) in a details section. */
export function invalidResponsePage(problem: SignInProblem, extraHeaders: Readonly<Record<string, string | readonly string[]>> = {}): Answer {
  const details =
    `${problem.message} (Service: AWSSecurityTokenService; Status Code: ${problem.status}; Error Code: ${problem.code}` +
    `${problem.requestId === undefined ? '' : `; Request ID: ${problem.requestId}`})`;
  const main =
    '<h1>Amazon Web Services Sign In</h1>' +
    '<p data-testid="signin-error">Your request included an invalid SAML response. To logout, click <a href="/console/signout">here</a>.</p>' +
    '<section aria-labelledby="details-h"><h2 id="details-h">Details</h2>' +
    `<p data-testid="signin-details"><code>${esc(details)}</code></p></section>`;
  return page(problem.status, { title: 'AWS Signin', main }, extraHeaders);
}
