#!/usr/bin/env python3
"""Reference letterbox for the component's tests (LetterboxParityTests), written from the training side's definition,
not from the component's code: ultralytics' LetterBox (auto=False, scaleup=True, centre, pad 114) around OpenCV's
cv2.resize(INTER_LINEAR) on 8-bit images — pixel-centre sampling in single precision, 11-bit fixed-point weights
(INTER_RESIZE_COEF_BITS), the horizontal pass as integer sums, the vertical step of OpenCV's vectorised 8-bit kernel
((S0 >> 4) * b0 >> 16) + ((S1 >> 4) * b1 >> 16), then (t + 2) >> 2 saturated. Columns outside the source take the
edge pixel whole; rows keep their weights and read the clamped row.

Pure Python (no numpy/OpenCV on the build machine). Run: python3 letterbox_reference.py > letterbox-reference.json
Source pixels come from the same generator as the test's (SourcePixels): x_{n+1} = (1103515245 x_n + 12345) mod 2^31,
pixel byte = x >> 16 & 255, seeded per case.
"""
import json
import math
import struct


def f32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


def source_pixels(width, height, seed):
    x = seed
    out = []
    for _ in range(width * height * 3):
        x = (1103515245 * x + 12345) % (1 << 31)
        out.append((x >> 16) & 255)
    return out


def taps(d, scale, length, reset_at_edges):
    f = f32((d + 0.5) * scale - 0.5)
    i = math.floor(f)
    f = f32(f - i)
    if reset_at_edges and i < 0:
        i, f = 0, 0.0
    if reset_at_edges and i >= length - 1:
        i, f = length - 1, 0.0
    w0 = round(f32(1.0 - f) * 2048)  # Python round: half to even, like cvRound
    w1 = round(f * 2048)
    clamp = lambda v: min(max(v, 0), length - 1)
    return clamp(i), clamp(i + 1), w0, w1


def cv2_resize_linear(pixels, width, height, new_w, new_h):
    if (new_w, new_h) == (width, height):
        return list(pixels)
    sx = 1.0 / (new_w / width)
    sy = 1.0 / (new_h / height)
    cols = [taps(x, sx, width, True) for x in range(new_w)]
    out = [0] * (new_w * new_h * 3)
    for y in range(new_h):
        y0, y1, b0, b1 = taps(y, sy, height, False)
        for x in range(new_w):
            x0, x1, a0, a1 = cols[x]
            for c in range(3):
                s0 = pixels[(y0 * width + x0) * 3 + c] * a0 + pixels[(y0 * width + x1) * 3 + c] * a1
                s1 = pixels[(y1 * width + x0) * 3 + c] * a0 + pixels[(y1 * width + x1) * 3 + c] * a1
                t = (((s0 >> 4) * b0) >> 16) + (((s1 >> 4) * b1) >> 16)
                out[(y * new_w + x) * 3 + c] = min(max((t + 2) >> 2, 0), 255)
    return out


def letterbox(pixels, width, height, target):
    """ultralytics LetterBox(new_shape=(target, target), auto=False, scaleup=True, center=True)."""
    r = min(target / height, target / width)
    new_w, new_h = int(round(width * r)), int(round(height * r))
    dw, dh = (target - new_w) / 2, (target - new_h) / 2
    resized = cv2_resize_linear(pixels, width, height, new_w, new_h)
    top, left = int(round(dh - 0.1)), int(round(dw - 0.1))
    out = [114] * (target * target * 3)
    for y in range(new_h):
        for x in range(new_w):
            for c in range(3):
                out[((top + y) * target + left + x) * 3 + c] = resized[(y * new_w + x) * 3 + c]
    return out, r, left, top, new_w, new_h


CASES = [
    # name, width, height, target, seed
    ("downscale-odd", 37, 23, 32, 1),
    ("upscale", 10, 7, 64, 2),
    ("landscape", 100, 61, 64, 3),
    ("portrait", 45, 130, 64, 4),
    ("exact-half", 128, 64, 64, 5),
    ("same-size", 32, 32, 32, 6),
]

if __name__ == "__main__":
    cases = []
    for name, w, h, target, seed in CASES:
        px, r, left, top, new_w, new_h = letterbox(source_pixels(w, h, seed), w, h, target)
        cases.append({"name": name, "width": w, "height": h, "target": target, "seed": seed, "padLeft": left,
                      "padTop": top, "scaledWidth": new_w, "scaledHeight": new_h,
                      # HWC, RGB order of the source, 8-bit
                      "pixels": px})
    print(json.dumps({"generator": "letterbox_reference.py", "cases": cases}, separators=(",", ":")))
