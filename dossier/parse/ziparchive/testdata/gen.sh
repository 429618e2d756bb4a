#!/bin/sh
# Regenerates the archive fixtures with the tools people zip with: Info-ZIP zip (ZipCrypto with
# -P, symbolic links with -y, raw non-UTF-8 names), 7-Zip (WinZip AES-128/256, AE-2) and
# Python's zipfile for names no tool writes on purpose. Content is invented.
set -e
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/导出/截图"
cp ../../alipay/testdata/2023.csv "$tmp/导出/支付宝交易明细(20250101-20250415).csv"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\6\0\0\0\37\25\304\211\0\0\0\rIDATx\234c\370\377\377?\0\5\376\2\376\247\65\201\204\0\0\0\0IEND\256B`\202' > "$tmp/导出/截图/Screenshot_20250410-223105.png"
printf '请于本周内还款。\n' > "$tmp/导出/说明.txt"
touch -d '2025-04-15 12:00:00' "$tmp/导出" "$tmp/导出/截图" "$tmp/导出"/* "$tmp/导出/截图"/*
cd "$tmp"
rm -f "$here"/plain.zip "$here"/zipcrypto.zip "$here"/aes256.zip "$here"/aes128.zip
zip -q -X -r "$here/plain.zip" 导出
# Zipped to a pipe, as a download streamed by a server: sizes and CRCs follow the data (bit 3).
rm -f "$here/streamed.zip"
zip -q -X -r - 导出 | cat > "$here/streamed.zip"
zip -q -X -r -P 123456 "$here/zipcrypto.zip" 导出
7z a -bd -bso0 -tzip -p123456 -mem=AES256 "$here/aes256.zip" 导出 >/dev/null
7z a -bd -bso0 -tzip -p123456 -mem=AES128 -mx=0 "$here/aes128.zip" 导出 >/dev/null
# A Chinese-Windows zip: GBK names, no UTF-8 flag.
mkdir gbk && cd gbk
name=$(printf '账单.txt' | iconv -f UTF-8 -t GBK)
printf 'GBK 文件名\n' > "$name"
rm -f "$here/gbk_names.zip"
zip -q -X "$here/gbk_names.zip" "$name"
cd ..
# Hostile names and a symbolic link.
ln -s /etc/passwd link
rm -f "$here/hostile.zip"
zip -q -X -y "$here/hostile.zip" link
python3 - "$here/hostile.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a") as z:
    z.writestr("../../evil.txt", "climbs out\n")
    z.writestr("/etc/cron.d/x", "absolute\n")
    z.writestr("C:\\Windows\\win.ini", "drive letter\n")
    z.writestr("ok/../../../still-evil.txt", "dot-dot inside\n")
PY
# A bomb: 80 MiB of zeros deflated to about 80 KiB.
python3 - "$here/bomb.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open("zeros.bin", "w", force_zip64=False) as f:
        block = bytes(1 << 20)
        for _ in range(80):
            f.write(block)
PY
