/* Antre kiosk page: reading a QR with the kiosk's own camera, where the browser has
   BarcodeDetector (Chrome on Android and ChromeOS, for one). Elsewhere the button stays hidden
   and the handheld scanner does the job. */
import { $ } from './view.js';

const LOOK_MS = 250;
const C = { stream: null, timer: null, open: false, back: null };

// True when this browser can read QR codes from a camera.
export async function cameraAvailable() {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.indexOf('qr_code') >= 0;
  } catch (e) { return false; }
}

export function cameraOpen() { return C.open; }

export function closeCamera() {
  if (!C.open) return;
  C.open = false;
  clearTimeout(C.timer);
  if (C.stream) C.stream.getTracks().forEach((track) => track.stop());
  C.stream = null;
  const video = $('camera-video');
  video.pause();
  video.srcObject = null;
  $('camera').hidden = true;
  if (C.back) C.back();
}

// Opens the camera dialog; onCode(text) gets the first QR read, onFail(err) a camera refusal.
// onClose runs whenever the dialog closes (read, refused or cancelled).
export async function openCamera(onCode, onFail, onClose) {
  if (C.open) return;
  C.open = true;
  C.back = onClose;
  $('camera').hidden = false;
  $('camera-close').focus();
  const video = $('camera-video');
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    if (!C.open) { stream.getTracks().forEach((track) => track.stop()); return; }
    C.stream = stream;
    video.srcObject = stream;
    await video.play();
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    const look = async () => {
      if (!C.open) return;
      try {
        const found = await detector.detect(video);
        const hit = found.find((b) => b.rawValue);
        if (hit && C.open) { closeCamera(); onCode(hit.rawValue); return; }
      } catch (e) { /* a frame that is not ready yet */ }
      if (C.open) C.timer = setTimeout(look, LOOK_MS);
    };
    look();
  } catch (err) {
    closeCamera();
    onFail(err);
  }
}

export function initCamera() {
  $('camera-close').addEventListener('click', closeCamera);
  $('camera').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); closeCamera(); }
    if (ev.key === 'Tab') { ev.preventDefault(); $('camera-close').focus(); }  // the one control
  });
}
