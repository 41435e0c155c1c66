/* Antre kiosk page: its own keypad for the booking code, so the kiosk needs no keyboard of the
   operating system. It has only the characters a code can contain (BOOKING_CODE_ALPHABET in
   chalicelib/domain/identity.py: digits and capitals without 0/O and 1/I), a backspace and a
   clear key; the form's own submit button checks in. A tap on a key never takes the focus
   from the code input, so a handheld scanner (which types the code and Enter) and a physical
   keyboard keep typing into it; keys reached with Tab keep the focus and work with Enter/Space. */
import { el } from './view.js';

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

// The characters of a code in what was typed (a scanner's dashes and spaces do not count).
const typed = (value) => value.replace(/[\s-]/g, '');

// o: {box (the keys' container), input, back, wipe (buttons), onChange()}
export function keypad(o) {
  const set = (value) => { o.input.value = value; if (o.onChange) o.onChange(); };
  const press = (ch) => {
    if (typed(o.input.value).length >= CODE_LENGTH) return;  // a code is 8 characters, no more
    set(typed(o.input.value).toUpperCase() + ch);
  };
  CODE_ALPHABET.split('').forEach((ch) => {
    o.box.appendChild(el('button', {
      type: 'button', class: 'k-key', 'data-testid': 'key-' + ch, text: ch,
      on: { click: () => press(ch) }
    }));
  });
  o.back.addEventListener('click', () => set(o.input.value.replace(/[\s-]*.$/, '')));
  o.wipe.addEventListener('click', () => set(''));
  // a mouse or touch press that would focus the key leaves the focus where it is
  [o.box, o.back, o.wipe].forEach((node) => node.addEventListener('mousedown', (ev) => {
    if (ev.target.closest('button')) ev.preventDefault();
  }));
}
