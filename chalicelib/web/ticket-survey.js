/* Antre ticket page: the satisfaction survey (SKM, PermenPANRB 14/2017) once the ticket is done.
   Loaded only then, with its own words, so the ticket's first load stays light. Nine questions
   as radio groups with the regulation's wording of each point (from the server, in the page's
   language), an optional comment and respondent profile; one answer per ticket. */
import { t, register, onLangChange } from './i18n.js';
import { get, post } from './api.js';
import { $, el, clear, say, serverText, focus, fmtDate } from './view.js';
import { STRINGS } from './ticket-survey-strings.js';

const S = { id: null, form: null, done: null, gen: 0 };
const path = (id) => 'v1/tickets/' + encodeURIComponent(id) + '/survey';

register(STRINGS);

function chosen() {
  const found = {};
  const root = $('view-survey');
  root.querySelectorAll('input[type=radio]:checked').forEach((r) => { found[r.name] = r.value; });
  root.querySelectorAll('select, textarea').forEach((f) => { found[f.name] = f.value; });
  return found;
}

function question(q, n, kept) {
  const name = 'sv-' + q.element_id;
  const err = el('p', { class: 'ferr', id: name + '-err', hidden: true, 'data-i18n': 'sv.pick', text: t('sv.pick') });
  const points = q.points.map((p) => {
    const id = name + '-' + p.score;
    return el('label', { class: 'sv-point', for: id }, [
      el('input', { type: 'radio', id, name, value: String(p.score), checked: kept[name] === String(p.score),
                    'data-testid': id }),
      el('span', { text: p.label })]);
  });
  return el('fieldset', { class: 'sv-q', id: name, 'aria-describedby': name + '-err' }, [
    el('legend', { text: n + '. ' + q.question }), err].concat(points));
}

function choice(name, choices, kept) {
  const id = 'sv-' + name;
  const select = el('select', { id, name: id, 'data-testid': id },
    [el('option', { value: '', text: t('sv.none') })].concat(choices.map((c) =>
      el('option', { value: c, text: t('sv.' + name + '.' + c), selected: kept[id] === c }))));
  return el('div', { class: 'field' }, [el('label', { for: id, text: t('sv.' + name) }), select]);
}

function paintForm(form, kept) {
  const root = $('view-survey');
  clear(root);
  root.hidden = false;
  const closes = form.closes_at ? el('p', { class: 'hint', text: t('sv.closes', { date: fmtDate(form.closes_at.slice(0, 10)) }) }) : null;
  const comment = el('textarea', { id: 'sv-comment', name: 'sv-comment', rows: '3', maxlength: String(form.comment_max),
                                   'aria-describedby': 'sv-comment-hint', 'data-testid': 'sv-comment' });
  comment.value = kept['sv-comment'] || '';
  const formNode = el('form', { id: 'sv-form', novalidate: true, on: { submit: send } },
    form.questions.map((q, i) => question(q, i + 1, kept)).concat([
      el('div', { class: 'field' }, [el('label', { for: 'sv-comment', text: t('sv.comment') }), comment,
        el('p', { class: 'hint', id: 'sv-comment-hint', text: t('sv.comment.hint') })]),
      el('fieldset', { class: 'sv-profile' }, [el('legend', { text: t('sv.profile') }),
        el('p', { class: 'hint', text: t('sv.profile.hint') })].concat(
        Object.keys(form.profile).map((name) => choice(name, form.profile[name], kept)))),
      el('button', { type: 'submit', class: 'primary', id: 'sv-send', 'data-testid': 'sv-send', text: t('sv.send') })]));
  root.appendChild(el('h2', { id: 'h-survey', text: t('sv.title') }));
  root.appendChild(el('p', { text: t('sv.intro') }));
  if (closes) root.appendChild(closes);
  root.appendChild(formNode);
}

function paintDone() {
  const root = $('view-survey'), d = S.done;
  clear(root);
  root.hidden = false;
  root.appendChild(el('h2', { id: 'h-survey', text: t('sv.title') }));
  root.appendChild(el('p', { class: 'msg ok', 'data-testid': 'sv-thanks', text: t(d.fresh ? 'sv.thanks' : 'sv.answered') }));
  if (d.complaint_url) {
    root.appendChild(el('p', { 'data-testid': 'sv-lapor' }, [t('sv.lapor', { number: d.ticket_number }), ' ',
      el('a', { href: d.complaint_url, target: '_blank', rel: 'noopener', text: t('sv.lapor.link') })]));
  }
}

async function send(ev) {
  ev.preventDefault();
  const form = S.form, kept = chosen(), scores = [];
  let missing = 0, first = null;
  form.questions.forEach((q) => {
    const name = 'sv-' + q.element_id, v = kept[name];
    $(name + '-err').hidden = !!v;
    if (v) $(name).removeAttribute('aria-invalid'); else $(name).setAttribute('aria-invalid', 'true');
    if (!v) { missing += 1; first = first || $(name); }
    scores.push(Number(v));
  });
  if (missing) { say(['sv.missing', { n: missing }], 'err'); focus(first); return; }
  const comment = (kept['sv-comment'] || '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (comment.length > form.comment_max) { say('sv.comment.long', 'err'); focus($('sv-comment')); return; }
  const body = { scores };
  if (comment) body.comment = comment;
  Object.keys(form.profile).forEach((name) => { if (kept['sv-' + name]) body[name] = kept['sv-' + name]; });
  const btn = $('sv-send');
  btn.disabled = true;
  btn.textContent = t('sv.sending');
  try {
    const r = await post(path(S.id), body);
    S.done = Object.assign({ fresh: true }, r);
    say('');
    paintDone();
    focus($('h-survey'));
  } catch (err) {
    btn.disabled = false;
    btn.textContent = t('sv.send');
    if (err.code === 'survey_answered') { S.done = { fresh: false }; say(''); paintDone(); return; }
    say({ raw: serverText(err) }, 'err');
  }
}

async function load() {
  const gen = ++S.gen, kept = S.form ? chosen() : {};
  try {
    const form = await get(path(S.id));
    if (gen !== S.gen) return;
    S.form = form;
    if (form.state === 'answered') { S.done = S.done || { fresh: false }; paintDone(); return; }
    if (form.state !== 'open') { $('view-survey').hidden = true; return; }
    if (S.done) { paintDone(); return; }
    paintForm(form, kept);
  } catch (err) { if (gen === S.gen) say({ raw: serverText(err) }, 'err'); }
}

// The ticket page calls this once its ticket is done (again when the ticket changes).
export function showSurvey(ticketId) {
  if (ticketId === S.id) return;
  S.id = ticketId;
  S.form = null;
  S.done = null;
  load();
}

onLangChange(() => { if (S.id) { if (S.done) paintDone(); else load(); } });
