#!/bin/sh
# Regenerates the audio fixtures. Durations asserted in the tests are ffprobe's values for these
# exact files, so regenerate only together with the expectations.
set -e
q="-hide_banner -loglevel error -y"
ffmpeg $q -f lavfi -i sine=frequency=440:duration=3.5 -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -fflags +bitexact -map_metadata -1 cbr.mp3
ffmpeg $q -f lavfi -i sine=frequency=440:duration=3.5 -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k -write_xing 0 -id3v2_version 0 -fflags +bitexact -map_metadata -1 noxing.mp3
ffmpeg $q -f lavfi -i sine=frequency=440:duration=4.2 -ac 1 -ar 44100 -c:a libmp3lame -q:a 7 -fflags +bitexact -map_metadata -1 vbr.mp3
ffmpeg $q -f lavfi -i sine=frequency=440:duration=3.5 -ac 1 -ar 8000 -c:a libmp3lame -b:a 8k -fflags +bitexact -map_metadata -1 mpeg25.mp3
ffmpeg $q -f lavfi -i sine=frequency=440:duration=3.5 -ac 1 -ar 16000 -c:a aac -b:a 24k -fflags +bitexact -map_metadata -1 voice.m4a
ffmpeg $q -f lavfi -i sine=frequency=440:duration=2.25 -ac 1 -ar 8000 -c:a pcm_s16le -fflags +bitexact -map_metadata -1 voice.wav
ffmpeg $q -f lavfi -i sine=frequency=440:duration=2.5 -ac 1 -ar 8000 -c:a flac -fflags +bitexact -map_metadata -1 voice.flac
ffmpeg $q -f lavfi -i sine=frequency=440:duration=2.5 -ac 1 -ar 16000 -c:a libvorbis -q:a 0 -fflags +bitexact -map_metadata -1 voice.ogg
ffmpeg $q -f lavfi -i sine=frequency=440:duration=2.5 -ac 1 -ar 16000 -c:a libopus -b:a 12k -fflags +bitexact -map_metadata -1 voice.opus
ffmpeg $q -f lavfi -i sine=frequency=440:duration=3.5 -ac 1 -ar 16000 -c:a aac -b:a 24k -f adts -fflags +bitexact -map_metadata -1 voice.aac
# AMR: ffmpeg has no AMR encoder here, so frames are written directly (valid framing, noise payload).
python3 - <<'PY'
import random
random.seed(7)
nb = [13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1]
wb = [18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1]
def write(name, magic, sizes, modes):
    with open(name, "wb") as f:
        f.write(magic)
        for m in modes:
            f.write(bytes([(m << 3) | 0x04]) + bytes(random.randrange(256) for _ in range(sizes[m] - 1)))
write("nb.amr", b"#!AMR\n", nb, [7] * 150 + [8] * 20 + [15] * 5 + [7] * 50)   # 225 frames = 4.5 s
write("wb.amr", b"#!AMR-WB\n", wb, [2] * 160)                               # 160 frames = 3.2 s
PY
ffmpeg $q -i nb.amr -c copy -f 3gp -fflags +bitexact -map_metadata -1 voice.3gp
