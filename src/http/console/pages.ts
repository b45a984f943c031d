// The console's pages, rendered from view models (src/console) with every value escaped: the header
// with the session's role, name, tags and expiry; the EC2 instances table with its filters, banners
// and "Why?"; the action confirmation; the read-only IAM view; the last SAML assertion. Semantic
// HTML (landmarks, captions, scoped headers, labels), keyboard-usable, and no script.

import { ACTION_WORDS, STATE_NAMES, filtersQuery } from '../../console/index.js';
import type { AssertionView, Banner, InstanceAction, InstanceFilters, InstanceRow, WhyView } from '../../console/index.js';
import type { ConsoleSession } from '../../store/console-port.js';
import { esc, jsonBlock, prose } from './html.js';

// ---------------------------------------------------------------------------------------------
// Header

function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

function accountOf(roleArn: string): string {
  return roleArn.split(':')[4] ?? '';
}

function utc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type Section = 'ec2' | 'iam' | 'assertion';

/** The session's facts, the navigation and the sign-out button (a POST with the CSRF token). */
export function sessionHeader(s: ConsoleSession, current: Section): string {
  const tags =
    s.sessionTags.length === 0
      ? '<span class="muted">none</span>'
      : s.sessionTags.map((t) => `<code>${esc(t.key)}</code>=<code>${esc(t.value)}</code>`).join(' ');
  const link = (section: Section, href: string, text: string) =>
    `<li><a href="${href}"${section === current ? ' aria-current="page"' : ''}>${text}</a></li>`;
  return (
    '<dl class="who" aria-label="Console session">' +
    `<dt>Assumed role</dt><dd><strong data-testid="assumed-role">${esc(roleNameOf(s.roleArn))}/${esc(s.sessionName)}</strong></dd>` +
    `<dt>Account</dt><dd>${esc(accountOf(s.roleArn))}</dd>` +
    `<dt>Session tags</dt><dd data-testid="session-tags">${tags}</dd>` +
    `<dt>Expires</dt><dd><time datetime="${esc(utc(s.expiresAt))}">${esc(utc(s.expiresAt))}</time></dd>` +
    '</dl>' +
    '<nav aria-label="Console"><ul>' +
    link('ec2', '/console', 'EC2 instances') +
    link('iam', '/console/iam', 'IAM') +
    link('assertion', '/console/assertion', 'Last SAML assertion') +
    '</ul></nav>' +
    `<form class="signout" method="post" action="/console/signout"><input type="hidden" name="csrf" value="${esc(s.csrfToken)}"><button type="submit">Sign out</button></form>`
  );
}

// ---------------------------------------------------------------------------------------------
// Banners and "Why?"

export function bannerHtml(banner: Banner, why: WhyView | undefined): string {
  const role = banner.kind === 'error' ? 'alert' : 'status';
  return (
    `<div class="banner ${banner.kind}" role="${role}" data-testid="banner-${banner.kind}">` +
    `<p class="title">${esc(banner.title)}</p>` +
    (banner.message === undefined ? '' : `<p class="message">${messageHtml(banner.message)}</p>`) +
    (why === undefined ? '' : whyHtml(why)) +
    '</div>'
  );
}

/** The API's message; an encoded authorization message goes in a scrolling box (it runs to kilobytes). */
function messageHtml(message: string): string {
  const marker = 'Encoded authorization failure message: ';
  const at = message.lastIndexOf(marker);
  if (at < 0) return esc(message);
  return `${esc(message.slice(0, at + marker.length))}<code class="blob" tabindex="0" aria-label="Encoded authorization failure message">${esc(message.slice(at + marker.length))}</code>`;
}

/** The "Why?" panel: a disclosure (works without script, opens with Enter or Space). */
export function whyHtml(w: WhyView): string {
  const statements = w.statements.filter((s) => s.outcome === 'conditions-failed' || (w.decision === 'explicitDeny' && s.effect === 'Deny'));
  const others = w.statements.filter((s) => !statements.includes(s));
  const comparisons =
    w.comparisons.length === 0
      ? ''
      : '<table><caption>Tags compared by the policy</caption><thead><tr><th scope="col">Tag</th>' +
        `<th scope="col">On this ${esc(w.resource.includes(':instance/') ? 'instance' : 'resource')}</th><th scope="col">On your session</th><th scope="col">Match</th></tr></thead><tbody>` +
        w.comparisons
          .map(
            (c) =>
              `<tr><th scope="row"><code>${esc(c.tagKey)}</code></th>` +
              `<td>${c.resourceValue === undefined ? '<span class="muted">not tagged</span>' : `<code>${esc(c.resourceValue)}</code>`}${c.resourceKey === undefined ? '' : ` <span class="muted">(${esc(c.resourceKey)})</span>`}</td>` +
              `<td>${c.principalValue === undefined ? '<span class="muted">no such session tag</span>' : `<code>${esc(c.principalValue)}</code>`}${c.principalKey === undefined ? '' : ` <span class="muted">(${esc(c.principalKey)})</span>`}</td>` +
              `<td>${c.equal ? '<span class="match">equal</span>' : '<span class="mismatch">different</span>'}</td></tr>`,
          )
          .join('') +
        '</tbody></table>';
  const context = w.context.map((c) => `<tr><th scope="row"><code>${esc(c.key)}</code></th><td>${c.values.map((v) => `<code>${esc(v)}</code>`).join(', ')}</td></tr>`).join('');
  return (
    '<details class="why" data-testid="why"><summary>Why?</summary>' +
    `<p class="headline">${prose(w.headline)}</p>` +
    statements.map((s) => `<p>${prose(s.sentence)}</p>`).join('') +
    comparisons +
    (others.length === 0 && w.unparsed.length === 0
      ? ''
      : `<p>Other statements:</p><ul>${others.map((s) => `<li>${prose(s.sentence)}</li>`).join('')}${w.unparsed.map((d) => `<li>${prose(d)}</li>`).join('')}</ul>`) +
    `<p class="muted">Policy engine: ${prose(w.summary)}</p>` +
    '<details><summary>The request as IAM evaluated it</summary>' +
    `<dl class="facts"><dt>Principal</dt><dd><code>${esc(w.principalArn)}</code></dd><dt>Action</dt><dd><code>${esc(w.action)}</code></dd><dt>Resource</dt><dd><code>${esc(w.resource)}</code></dd></dl>` +
    `<table><caption>Context keys</caption><thead><tr><th scope="col">Key</th><th scope="col">Values</th></tr></thead><tbody>${context}</tbody></table>` +
    '</details></details>'
  );
}

// ---------------------------------------------------------------------------------------------
// EC2 instances

function stateCell(state: string): string {
  return `<span class="state state-${esc(state)}">${esc(state)}</span>`;
}

function actionLinks(row: InstanceRow, back: string): string {
  const links = (['start', 'stop', 'terminate'] as const).map((a) => {
    if (!row.can[a]) return `<span class="disabled" aria-disabled="true">${ACTION_WORDS[a].button}</span>`;
    const href = `/console/ec2/confirm?${new URLSearchParams({ action: a, instance: row.id, return: back }).toString()}`;
    return `<a class="button" href="${esc(href)}" aria-label="${esc(`${ACTION_WORDS[a].button} ${row.id}`)}">${ACTION_WORDS[a].button}</a>`;
  });
  return `<div class="actions">${links.join('')}</div>`;
}

export interface InstancesPageInput {
  readonly filters: InstanceFilters;
  readonly rows: readonly InstanceRow[] | undefined;
  /** The DescribeInstances failure, shown as a banner (with its "Why?"). */
  readonly listError: { readonly banner: Banner; readonly why: WhyView | undefined } | undefined;
  readonly flash: { readonly banner: Banner; readonly why: WhyView | undefined } | undefined;
}

export function instancesMain(input: InstancesPageInput): string {
  const f = input.filters;
  const back = `/console${filtersQuery(f)}`;
  const states = ['<option value="">Any state</option>', ...STATE_NAMES.map((s) => `<option value="${s}"${f.state === s ? ' selected' : ''}>${s}</option>`)].join('');
  const filters =
    '<form class="filters" method="get" action="/console" role="search" aria-label="Filter instances">' +
    `<label>Find instance by ID or Name tag<input type="search" name="q" value="${esc(f.text)}"></label>` +
    `<label>Tag key<input type="text" name="tagKey" value="${esc(f.tagKey)}"></label>` +
    `<label>Tag value<input type="text" name="tagValue" value="${esc(f.tagValue)}"></label>` +
    `<label>Instance state<select name="state">${states}</select></label>` +
    '<button class="primary" type="submit">Filter</button> <a href="/console">Clear filters</a></form>';
  const rows = input.rows ?? [];
  const table =
    input.rows === undefined
      ? ''
      : rows.length === 0
        ? '<p>No instances match.</p>'
        : '<table data-testid="instances"><caption class="visually-hidden">Instances</caption><thead><tr>' +
          '<th scope="col">Name</th><th scope="col">Instance ID</th><th scope="col">Instance state</th><th scope="col">Instance type</th><th scope="col">Tags</th><th scope="col">Actions</th>' +
          '</tr></thead><tbody>' +
          rows
            .map(
              (r) =>
                `<tr data-instance-id="${esc(r.id)}"><td>${r.name === '' ? '<span class="muted">–</span>' : esc(r.name)}</td>` +
                `<th scope="row"><code>${esc(r.id)}</code></th><td data-testid="state">${stateCell(r.state)}</td><td>${esc(r.type)}</td>` +
                `<td><ul class="tags">${r.tags.map((t) => `<li><code>${esc(t.key)}</code> = ${esc(t.value)}</li>`).join('')}</ul></td>` +
                `<td>${actionLinks(r, back)}</td></tr>`,
            )
            .join('') +
          '</tbody></table>';
  return (
    (input.flash === undefined ? '' : bannerHtml(input.flash.banner, input.flash.why)) +
    (input.listError === undefined ? '' : bannerHtml(input.listError.banner, input.listError.why)) +
    `<h1>Instances${input.rows === undefined ? '' : ` <span class="muted">(${rows.length})</span>`}</h1>` +
    filters +
    table
  );
}

export function confirmMain(input: {
  readonly action: InstanceAction;
  readonly instanceId: string;
  readonly name: string | undefined;
  readonly state: string | undefined;
  readonly csrf: string;
  readonly back: string;
}): string {
  const w = ACTION_WORDS[input.action];
  return (
    `<h1>${esc(w.title)}</h1><section aria-labelledby="confirm-q"><p id="confirm-q">${esc(w.question)}</p>` +
    `<dl class="facts"><dt>Instance ID</dt><dd><code>${esc(input.instanceId)}</code></dd>` +
    (input.name === undefined || input.name === '' ? '' : `<dt>Name</dt><dd>${esc(input.name)}</dd>`) +
    (input.state === undefined ? '' : `<dt>Instance state</dt><dd>${stateCell(input.state)}</dd>`) +
    '</dl>' +
    (w.warning === undefined ? '' : `<p>${esc(w.warning)}</p>`) +
    `<form method="post" action="/console/ec2/${input.action}">` +
    `<input type="hidden" name="csrf" value="${esc(input.csrf)}"><input type="hidden" name="instance" value="${esc(input.instanceId)}"><input type="hidden" name="return" value="${esc(input.back)}">` +
    `<p class="actions"><a class="button" href="${esc(input.back)}">Cancel</a> <button type="submit" class="${input.action === 'start' ? 'primary' : 'danger'}">${esc(w.button)}</button></p>` +
    '</form></section>'
  );
}

// ---------------------------------------------------------------------------------------------
// IAM (read-only)

export interface Denied {
  readonly code: string;
  readonly message: string;
}

function deniedHtml(what: string, d: Denied): string {
  return `<div class="banner error" role="alert"><p class="title">${esc(what)}</p><p class="message"><code>${esc(d.code)}</code>: ${esc(d.message)}</p></div>`;
}

export interface RoleRow {
  readonly name: string;
  readonly arn: string;
  readonly created: Date | undefined;
  readonly trusted: readonly string[];
  readonly description: string | undefined;
}

export interface ProviderRow {
  readonly arn: string;
  readonly created: Date | undefined;
  readonly validUntil: Date | undefined;
}

export function iamMain(input: { readonly roles: readonly RoleRow[] | Denied; readonly providers: readonly ProviderRow[] | Denied }): string {
  const roles = Array.isArray(input.roles)
    ? `<table><caption class="visually-hidden">Roles</caption><thead><tr><th scope="col">Role name</th><th scope="col">Trusted entities</th><th scope="col">ARN</th><th scope="col">Created</th></tr></thead><tbody>${(input.roles as readonly RoleRow[])
        .map(
          (r) =>
            `<tr><th scope="row"><a href="/console/iam/roles/${encodeURIComponent(r.name)}">${esc(r.name)}</a></th>` +
            `<td>${r.trusted.map((t) => `<code>${esc(t)}</code>`).join('<br>')}</td><td><code>${esc(r.arn)}</code></td><td>${r.created === undefined ? '' : esc(utc(r.created))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : deniedHtml('Failed to list roles', input.roles as Denied);
  const providers = Array.isArray(input.providers)
    ? (input.providers as readonly ProviderRow[]).length === 0
      ? '<p>No SAML providers.</p>'
      : `<table><caption class="visually-hidden">SAML providers</caption><thead><tr><th scope="col">Provider ARN</th><th scope="col">Created</th><th scope="col">Valid until</th></tr></thead><tbody>${(input.providers as readonly ProviderRow[])
          .map((p) => `<tr><th scope="row"><code>${esc(p.arn)}</code></th><td>${p.created === undefined ? '' : esc(utc(p.created))}</td><td>${p.validUntil === undefined ? '' : esc(utc(p.validUntil))}</td></tr>`)
          .join('')}</tbody></table>`
    : deniedHtml('Failed to list identity providers', input.providers as Denied);
  return (
    '<h1>IAM <span class="muted">(read-only)</span></h1>' +
    '<p class="muted">Every table below is an IAM call signed with this session’s credentials: what your role may not read is shown as IAM refuses it.</p>' +
    `<section aria-labelledby="roles-h"><h2 id="roles-h">Roles</h2>${roles}</section>` +
    `<section aria-labelledby="providers-h"><h2 id="providers-h">Identity providers (SAML)</h2>${providers}</section>`
  );
}

export interface PolicyBlock {
  readonly name: string;
  readonly arn: string | undefined;
  /** The policy document (JSON text), or the refusal to read it. */
  readonly document: string | Denied | undefined;
}

export function roleMain(input: {
  readonly name: string;
  readonly role: { readonly arn: string; readonly description: string | undefined; readonly maxSessionDuration: number | undefined; readonly trust: string; readonly tags: readonly { key: string; value: string }[] } | Denied;
  readonly attached: readonly PolicyBlock[] | Denied;
  readonly inline: readonly PolicyBlock[] | Denied;
}): string {
  const doc = (d: PolicyBlock['document']) => (d === undefined ? '' : typeof d === 'string' ? jsonBlock(d) : deniedHtml('Failed to read the policy document', d));
  const role =
    'code' in input.role
      ? deniedHtml('Failed to read the role', input.role)
      : `<dl class="facts"><dt>ARN</dt><dd><code>${esc(input.role.arn)}</code></dd>` +
        (input.role.description === undefined ? '' : `<dt>Description</dt><dd>${esc(input.role.description)}</dd>`) +
        (input.role.maxSessionDuration === undefined ? '' : `<dt>Maximum session duration</dt><dd>${esc(input.role.maxSessionDuration)} seconds</dd>`) +
        `<dt>Tags</dt><dd>${input.role.tags.length === 0 ? '<span class="muted">none</span>' : input.role.tags.map((t) => `<code>${esc(t.key)}</code>=<code>${esc(t.value)}</code>`).join(' ')}</dd></dl>` +
        `<h2 id="trust-h">Trust policy</h2>${jsonBlock(input.role.trust)}`;
  const list = (items: readonly PolicyBlock[] | Denied, what: string) =>
    Array.isArray(items)
      ? (items as readonly PolicyBlock[]).length === 0
        ? `<p>No ${what}.</p>`
        : (items as readonly PolicyBlock[]).map((p) => `<h3>${esc(p.name)}</h3>${p.arn === undefined ? '' : `<p><code>${esc(p.arn)}</code></p>`}${doc(p.document)}`).join('')
      : deniedHtml(`Failed to list ${what}`, items as Denied);
  return (
    `<p><a href="/console/iam">IAM</a> › Roles › ${esc(input.name)}</p><h1>${esc(input.name)}</h1>` +
    `<section aria-label="Role">${role}</section>` +
    `<section aria-labelledby="attached-h"><h2 id="attached-h">Attached (managed) policies</h2>${list(input.attached, 'attached policies')}</section>` +
    `<section aria-labelledby="inline-h"><h2 id="inline-h">Inline policies</h2>${list(input.inline, 'inline policies')}</section>`
  );
}

// ---------------------------------------------------------------------------------------------
// The last SAML assertion

function fact(term: string, value: string | null | undefined, code = true): string {
  if (value === null || value === undefined) return `<dt>${esc(term)}</dt><dd><span class="muted">absent</span></dd>`;
  return `<dt>${esc(term)}</dt><dd>${code ? `<code>${esc(value)}</code>` : esc(value)}</dd>`;
}

export function assertionMain(a: AssertionView | undefined): string {
  if (a === undefined) return '<h1>Last SAML assertion</h1><p>No assertion is recorded for this session.</p>';
  const attributes = a.attributes
    .map(
      (x) =>
        `<tr><th scope="row"><code>${esc(x.name)}</code>${x.friendlyName === null ? '' : `<br><span class="muted">${esc(x.friendlyName)}</span>`}</th>` +
        `<td><ul class="values">${x.values.map((v) => `<li><code>${esc(v)}</code></li>`).join('')}</ul></td></tr>`,
    )
    .join('');
  const signatures = a.signature.signatures.map((s) => `<li>on <code>${esc(s.on)}</code>: <code>${esc(s.algorithm ?? '?')}</code>, digest <code>${esc(s.digest ?? '?')}</code></li>`).join('');
  return (
    '<h1>Last SAML assertion</h1>' +
    '<p class="muted">The assertion this console session was signed in with, as STS verified it against the SAML provider’s registered metadata. Shown for troubleshooting only.</p>' +
    '<section aria-labelledby="a-h"><h2 id="a-h">Response and assertion</h2><dl class="facts">' +
    fact('Received', a.receivedAt) +
    fact('SAML provider', a.providerArn) +
    fact('Role assumed', a.roleArn) +
    fact('Issuer', a.issuer) +
    fact('Response ID', a.responseId) +
    fact('Assertion ID', a.assertionId) +
    fact('IssueInstant', a.issueInstant) +
    fact('Destination', a.destination) +
    fact('InResponseTo', a.inResponseTo) +
    '</dl></section>' +
    '<section aria-labelledby="s-h"><h2 id="s-h">Subject</h2><dl class="facts">' +
    fact('NameID', a.nameId.value) +
    fact('NameID Format', a.nameId.format) +
    fact('Recipient', a.subjectConfirmation.recipient) +
    fact('SubjectConfirmationData NotOnOrAfter', a.subjectConfirmation.notOnOrAfter) +
    '</dl></section>' +
    '<section aria-labelledby="c-h"><h2 id="c-h">Conditions and authentication</h2><dl class="facts">' +
    fact('NotBefore', a.conditions.notBefore) +
    fact('NotOnOrAfter', a.conditions.notOnOrAfter) +
    `<dt>Audiences</dt><dd>${a.conditions.audiences.map((x) => `<code>${esc(x)}</code>`).join('<br>')}</dd>` +
    fact('AuthnInstant', a.authn.authnInstant) +
    fact('SessionIndex', a.authn.sessionIndex) +
    fact('SessionNotOnOrAfter', a.authn.sessionNotOnOrAfter) +
    '</dl></section>' +
    `<section aria-labelledby="at-h"><h2 id="at-h">Attributes</h2><table><caption class="visually-hidden">Attributes</caption><thead><tr><th scope="col">Name</th><th scope="col">Values</th></tr></thead><tbody>${attributes}</tbody></table></section>` +
    '<section aria-labelledby="sig-h"><h2 id="sig-h">Signature</h2><dl class="facts">' +
    fact('Signed element', a.signature.signed) +
    fact('Signature algorithm', a.signature.signatureAlgorithm) +
    fact('Digest algorithm', a.signature.digestAlgorithm) +
    `<dt>Warnings</dt><dd>${a.signature.warnings.length === 0 ? '<span class="muted">none</span>' : a.signature.warnings.map((w) => esc(w)).join('<br>')}</dd>` +
    `<dt>Signatures in the response</dt><dd><ul>${signatures}</ul></dd>` +
    '</dl></section>'
  );
}
