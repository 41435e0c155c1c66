/* Antre call display: the announcements. A chime made with WebAudio (no audio file), then
   the call in Indonesian speech: "Nomor antrean B nol satu tujuh, silakan ke loket tiga".
   Calls made at the same moment are announced one after another: each waits for the last
   utterance's end (or a safety timeout); a running utterance is never cancelled. */

const DIGITS = ['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'];
const CHIME_MS = 1600;
const GAP_MS = 600;
const SAFETY_MS = 4000;      // plus per character: a voice that never says "end" does not stall the queue
const SAFETY_PER_CHAR_MS = 110;
const RESUME_WAIT_MS = 500;  // a context the browser holds for a gesture never resumes: stop asking
const VOICES_WAIT_MS = 5000; // a system with no voices at all may never say "voiceschanged"

const V = { ctx: null, queue: [], running: false, utterance: null };

// 7 → 'tujuh', 12 → 'dua belas', 105 → 'seratus lima' (0 to 9999; larger: digit by digit).
export function numberWords(n) {
  if (n < 10) return DIGITS[n];
  if (n === 10) return 'sepuluh';
  if (n === 11) return 'sebelas';
  if (n < 20) return DIGITS[n - 10] + ' belas';
  const tail = (r) => (r ? ' ' + numberWords(r) : '');
  if (n < 100) return DIGITS[Math.floor(n / 10)] + ' puluh' + tail(n % 10);
  if (n < 1000) return (n < 200 ? 'seratus' : DIGITS[Math.floor(n / 100)] + ' ratus') + tail(n % 100);
  if (n < 10000) return (n < 2000 ? 'seribu' : DIGITS[Math.floor(n / 1000)] + ' ribu') + tail(n % 1000);
  return String(n).split('').map((d) => DIGITS[+d]).join(' ');
}

// 'B-017' → 'B nol satu tujuh': letters as letters, digits one by one.
export function spokenTicket(number) {
  return String(number).split('').map((ch) => {
    if (/[0-9]/.test(ch)) return DIGITS[+ch];
    return /[A-Za-z]/.test(ch) ? ch.toUpperCase() : null;
  }).filter(Boolean).join(' ');
}

// 'Loket 7 (informasi)' → 'loket tujuh': the counter's number in words, the note left out.
export function spokenCounter(name) {
  return String(name).replace(/\([^)]*\)/g, ' ').toLowerCase()
    .replace(/\d+/g, (d) => ' ' + numberWords(parseInt(d, 10)) + ' ')
    .replace(/\s+/g, ' ').trim();
}

export function announcementText(call) {
  return 'Nomor antrean ' + spokenTicket(call.ticket_number) + ', silakan ke ' + spokenCounter(call.counter);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Browsers play sound only after a person's gesture, unless started with
// --autoplay-policy=no-user-gesture-required. Call this from a click, or on load to try:
// resolves true when sound can play (the audio context runs, or there is no WebAudio to ask),
// false when the browser waits for a gesture.
export async function enableSound() {
  let AC = null;
  try {
    AC = window.AudioContext || window.webkitAudioContext;
    if (!V.ctx && AC) V.ctx = new AC();
    if (V.ctx && V.ctx.state === 'suspended') {
      await Promise.race([V.ctx.resume(), sleep(RESUME_WAIT_MS)]);
    }
  } catch (e) { /* no WebAudio: speech only */ }
  return !V.ctx || V.ctx.state === 'running';
}

// Ding-dong: two soft sine tones.
function chime() {
  const ctx = V.ctx;
  if (!ctx || ctx.state !== 'running') return Promise.resolve();
  const t0 = ctx.currentTime + 0.05;
  [[659.25, 0], [523.25, 0.55]].forEach((tone) => {
    const osc = ctx.createOscillator(), gain = ctx.createGain(), at = t0 + tone[1];
    osc.type = 'sine';
    osc.frequency.value = tone[0];
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.0);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 1.05);
  });
  return sleep(CHIME_MS);
}

function voice() {
  const voices = window.speechSynthesis.getVoices() || [];
  return voices.find((v) => /^id([-_]|$)/i.test(v.lang)) || null;
}

// Calls onKnown(hasIndonesian) whenever the browser's voices are known: at once if they are
// listed, at each "voiceschanged", and after VOICES_WAIT_MS (none listed by then: none installed).
export function watchVoice(onKnown) {
  const ss = window.speechSynthesis;
  if (!ss || !ss.getVoices) { onKnown(false); return; }
  let waited = false;
  const known = () => {
    if (!(ss.getVoices() || []).length && !waited) return;  // still loading
    onKnown(!!voice());
  };
  setTimeout(() => { waited = true; known(); }, VOICES_WAIT_MS);
  if (ss.addEventListener) ss.addEventListener('voiceschanged', known);
  known();
}

function speak(text) {
  return new Promise((resolve) => {
    const ss = window.speechSynthesis, U = window.SpeechSynthesisUtterance;
    if (!ss || !U) { resolve(); return; }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (V.utterance === u) V.utterance = null;
      resolve();
    };
    const u = new U(text);
    u.lang = 'id-ID';
    u.rate = 0.9;
    const v = voice();
    if (v) u.voice = v;
    u.onend = finish;
    u.onerror = finish;
    const timer = setTimeout(finish, SAFETY_MS + text.length * SAFETY_PER_CHAR_MS);
    V.utterance = u;  // held: Chrome forgets the end of an utterance nobody holds
    try { ss.speak(u); } catch (e) { finish(); }
  });
}

async function run() {
  V.running = true;
  while (V.queue.length) {
    const item = V.queue.shift();
    if (item.onStart) item.onStart();
    await chime();
    await speak(item.text);
    if (item.onEnd) item.onEnd();
    await sleep(GAP_MS);
  }
  V.running = false;
}

// Queues an announcement {text, onStart, onEnd}; it starts once those before it have ended.
export function announce(item) {
  V.queue.push(item);
  if (!V.running) run();
}
