#!/usr/bin/env bash
# Debian's Chromium for the browser tests (never a downloaded browser), CJK fonts so that
# screenshots show Chinese, and a TrueType Chinese font (WenQuanYi Micro Hei) that the
# daily report's PDF embeds. Installed with apt-get when absent and running as root.
set -u
[ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "cjk" \
  && [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium, fonts-noto-cjk and fonts-wqy-microhei with apt-get..."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-noto-cjk fonts-wqy-microhei >/dev/null
else
  [ -x /usr/bin/chromium ] || echo "Note: /usr/bin/chromium is missing and apt-get cannot run here; the browser test will say so."
fi
exit 0
