"""The web chat widget in real headless Chromium (Debian's chromium, driven by Playwright: tests/e2e/browser.py)
against the running assistant: the demo page at /webhooks/webchat/, as a user clicks and types on it.

``UPDATE_SCREENSHOT=1`` also writes the README's screenshot (docs/images/widget.png) from the first test."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, WebSocketRoute, expect

from bot.privacy.masking import mask_phone, redact
from bot.settings import PROJECT_ROOT
from tests.bill_photos import bill_photo
from tests.e2e.browser import PHONE, Widget, chromium  # noqa: F401 (fixture)
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, last_sms_code, response_text, work_order_for

SCREENSHOT = PROJECT_ROOT / "docs" / "images" / "widget.png"
SCREENSHOT_MAX_BYTES = 300 * 1024
# New customers (they register by logging in), one per test, so that each one's last chat is its page.
UPLOADER, PUSHED, ESCAPED = "13700000161", "13700000162", "13700000163"
INJECTED = "window.__sgwInjected"


def _code_of(assistant: RunningAssistant) -> partial[str]:
    return partial(last_sms_code, assistant.database_url)


def _logged_in(chromium: Browser, assistant: RunningAssistant, phone: str) -> Widget:  # noqa: F811
    widget = Widget(chromium, assistant.rasa_url)
    assert widget.open() == [response_text("utter_greet")]
    assert widget.say("登录") == [response_text("utter_ask_login_form_phone_number")]
    registered = response_text("utter_registered_and_logged_in").format(masked_phone=mask_phone(phone))
    assert widget.log_in(phone, _code_of(assistant))[0] == registered
    return widget


def _advance(assistant: RunningAssistant, order_no: str, note: str) -> str:
    """The operator's command that moves a work order on (and pushes the news); its output."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "orders", "advance", order_no, "已派单", "--note", note],
        cwd=PROJECT_ROOT, env=assistant.environment, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _save_screenshot(widget: Widget, path: Path) -> None:
    """The page as it is, as a palette PNG (the README's picture stays small)."""
    shot = Image.open(io.BytesIO(widget.page.screenshot())).convert("RGB")
    shot.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def test_greet_press_a_button_log_in_see_the_chart_and_the_same_chat_after_a_reload(
    assistant: RunningAssistant, chromium: Browser, tmp_path: Path,  # noqa: F811
) -> None:
    widget = Widget(chromium, assistant.rasa_url)
    widget.load()
    expect(widget.page.locator(".sgw-panel")).to_be_hidden()
    assert widget.turn(lambda: widget.page.get_by_role("button", name="在线客服").click()) == [
        response_text("utter_greet")]
    assert widget.user_texts() == ["你好"]
    menu = widget.page.locator(".sgw-buttons").first.get_by_role("button")  # the greeting's menu
    assert menu.all_text_contents()[:3] == ["查电费", "交电费", "绑定户号"]

    assistant.advance_clock(PAST_RESEND_WAIT)  # 张伟 may just have had a code on another channel
    assert widget.press("查电费") == [
        response_text("utter_login_required"), response_text("utter_ask_login_form_phone_number")]
    assert [b.is_disabled() for b in menu.all()] == [True] * menu.count()  # the whole menu, pressed once
    chosen = widget.page.locator(".sgw-buttons").first.get_by_role("button", name="查电费", exact=True)
    assert "sgw-chosen" in (chosen.get_attribute("class") or "")
    assert widget.user_texts()[-1] == "查电费"
    after_login = widget.log_in("13800000001", _code_of(assistant))
    assert after_login[0] == response_text("utter_login_success").format(masked_phone="138****0001")

    widget.page.evaluate("""() => {  // was the typing indicator shown during the next turn?
        const typing = document.querySelector('.sgw-typing');
        new MutationObserver(() => { if (!typing.hidden) window.__sgwTypingSeen = true; })
            .observe(typing, {attributes: true, attributeFilter: ['hidden']});
    }""")
    chart = widget.say("看看用电趋势")
    assert chart[0].startswith("户号3301000001近12个月用电趋势")
    assert widget.page.evaluate("window.__sgwTypingSeen") is True
    expect(widget.page.locator(".sgw-typing")).to_be_hidden()
    image = widget.page.locator(".sgw-from-bot img.sgw-image").last
    widget.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("src").startswith(f"{assistant.rasa_url}/webhooks/files/charts/")
    assert image.get_attribute("alt") == chart[0].splitlines()[0][:80]

    _save_screenshot(widget, tmp_path / "widget.png")
    assert 0 < (tmp_path / "widget.png").stat().st_size <= SCREENSHOT_MAX_BYTES
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copyfile(tmp_path / "widget.png", SCREENSHOT)

    said, answered = widget.user_texts(), widget.bot_texts()
    widget.page.reload()  # the session is in localStorage; the panel was open, so it opens again
    widget.page.locator(".sgw-from-bot img.sgw-image").wait_for()
    assert widget.user_texts() == [redact(t) for t in said]  # the tracker keeps personal data masked
    assert "138****0001" in widget.user_texts()
    assert widget.bot_texts() == answered
    assert [b.is_disabled() for b in menu.all()] == [True] * menu.count()  # an answered menu stays answered
    image = widget.page.locator(".sgw-from-bot img.sgw-image").last
    widget.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert widget.say("上个月电费多少")[0].splitlines()[0] == "户号3301000001｜2026年10月电费账单"  # still logged in
    assert widget.errors == []
    widget.close()


def test_a_bill_photo_is_uploaded_with_its_limits_shown_first_and_binds_its_account(
    assistant: RunningAssistant, chromium: Browser, tmp_path: Path,  # noqa: F811
) -> None:
    widget = _logged_in(chromium, assistant, UPLOADER)
    page = widget.page
    limits = "支持 JPG、PNG、PDF，不超过 10 MB"
    assert page.get_by_role("button", name=f"上传图片或PDF（账单照片、证件）：{limits}").is_visible()

    page.set_input_files(".sgw-file", files=[{"name": "说明.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    expect(page.locator(".sgw-filehint")).to_have_text("不支持该文件类型，请发送 JPG、PNG、PDF。")
    expect(page.get_by_role("button", name="发送文件")).to_be_disabled()
    big = {"name": "大图.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + bytes(10 * 1024 * 1024)}
    page.set_input_files(".sgw-file", files=[big])
    expect(page.locator(".sgw-filehint")).to_have_text("文件超过 10 MB，请压缩后再发送。")
    expect(page.get_by_role("button", name="发送文件")).to_be_disabled()

    photo = tmp_path / "电费单.jpg"
    photo.write_bytes(bill_photo("3301000005202610", "JPEG"))
    page.set_input_files(".sgw-file", str(photo))
    expect(page.locator(".sgw-filename")).to_have_text(re.compile(r"^电费单\.jpg（\d+ KB）$"))
    expect(page.locator(".sgw-filehint")).to_have_text(limits)
    page.evaluate("""() => {  // every text the hint shows while the file goes up
        const hint = document.querySelector('.sgw-filehint');
        window.__sgwHints = [];
        new MutationObserver(() => window.__sgwHints.push(hint.textContent))
            .observe(hint, {childList: true, characterData: true, subtree: true});
    }""")
    replies = widget.turn(lambda: page.get_by_role("button", name="发送文件").click())
    assert "正在上传… 100%" in page.evaluate("window.__sgwHints")
    expect(page.locator(".sgw-filebar")).to_be_hidden()
    assert widget.user_texts()[-1] == "电费单.jpg"
    assert replies[0] == "已从图片中识别到户号3301000005。"
    assert replies[1].startswith("查询到户号3301000005：户名 陈*")
    assert widget.say("确认") == ["绑定成功！户号3301000005已添加到您的账号，并设为默认户号。"]
    assert widget.errors == []
    widget.close()


def test_a_work_order_update_is_pushed_to_the_page_while_it_is_open(
    assistant: RunningAssistant, chromium: Browser,  # noqa: F811
) -> None:
    widget = _logged_in(chromium, assistant, PUSHED)
    order_no = work_order_for(assistant.database_url, assistant.clock_file, PUSHED)
    widget.page.get_by_role("button", name="收起对话").click()  # the chat is closed, the page still open

    assert "pushed to 1 chat(s)" in _advance(assistant, order_no, "安排上门勘查")

    badge = widget.page.locator(".sgw-launcher .sgw-badge")
    expect(badge).to_have_text("1")
    widget.page.locator(".sgw-launcher").click()
    expect(badge).to_be_hidden()
    pushed = widget.wait_for_bot_text(order_no)
    assert pushed.startswith(f"您的个人新装工单{order_no}状态已更新为：已派单（承诺办结：")
    assert widget.bot_texts().count(pushed) == 1
    assert widget.errors == []
    widget.close()


def test_enter_that_confirms_a_chinese_input_method_candidate_does_not_send(
    assistant: RunningAssistant, chromium: Browser,  # noqa: F811
) -> None:
    widget = Widget(chromium, assistant.rasa_url)
    widget.open()
    page, said = widget.page, widget.user_texts()
    page.focus(".sgw-input")
    page.evaluate("""() => document.querySelector('.sgw-input').addEventListener('keydown', e => {
        if (e.key === 'Enter') (window.__sgwEnters = window.__sgwEnters || []).push([e.isComposing, e.keyCode]);
    })""")
    ime = widget.context.new_cdp_session(page)  # a real composition, as a pinyin input method makes it
    ime.send("Input.imeSetComposition", {"text": "dianfei", "selectionStart": 7, "selectionEnd": 7})
    ime.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Enter", "code": "Enter",
                                        "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
    ime.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13})
    ime.send("Input.insertText", {"text": "电费"})  # the candidate chosen: the composition ends

    assert page.evaluate("window.__sgwEnters") == [[True, 229]]
    page.wait_for_timeout(1000)
    assert widget.user_texts() == said
    assert page.input_value(".sgw-input") == "电费"
    replies = widget.turn(lambda: page.press(".sgw-input", "Enter"))  # an Enter after it sends
    assert widget.user_texts() == [*said, "电费"]
    assert replies
    assert page.input_value(".sgw-input") == ""
    assert widget.errors == []
    widget.close()


def test_markup_from_the_user_or_in_a_bot_message_is_shown_as_text_and_runs_nothing(
    assistant: RunningAssistant, chromium: Browser,  # noqa: F811
) -> None:
    typed = f'<img src=x onerror="{INJECTED}=1"><script>{INJECTED}=2</script>'
    noted = f'<img src=x onerror="{INJECTED}=3">'
    widget = _logged_in(chromium, assistant, ESCAPED)
    page = widget.page
    widget.say(typed)
    assert widget.user_texts()[-1] == typed
    order_no = work_order_for(assistant.database_url, assistant.clock_file, ESCAPED)
    _advance(assistant, order_no, noted)  # the operator's note is shown in the order's history
    widget.wait_for_bot_text(order_no)
    progress = widget.say(f"查询工单{order_no}")
    assert any(line.startswith("· ") and line.endswith(f"已派单 {noted}") for t in progress for line in t.splitlines())

    def nothing_ran() -> None:
        page.wait_for_timeout(500)  # an injected image would have failed to load and run its onerror by now
        assert page.evaluate(INJECTED) is None
        assert page.locator(".sgw-root img").count() == 0
        assert page.locator(".sgw-root script").count() == 0

    nothing_ran()
    page.reload()  # the same texts, replayed from the history
    page.locator(".sgw-from-user .sgw-bubble", has_text="onerror").first.wait_for()
    assert typed in widget.user_texts()
    widget.wait_for_bot_text(noted)
    nothing_ran()
    assert widget.errors == []
    widget.close()


def test_on_a_phone_the_chat_fills_the_screen_and_a_lost_connection_is_shown_and_restored(
    assistant: RunningAssistant, chromium: Browser,  # noqa: F811
) -> None:
    widget = Widget(chromium, assistant.rasa_url, viewport=PHONE)
    sockets: list[WebSocketRoute] = []

    def relay(socket: WebSocketRoute) -> None:  # the page's socket, passed through to the server
        socket.connect_to_server()
        sockets.append(socket)

    widget.page.route_web_socket(re.compile(r"/webhooks/webchat/socket\?"), relay)
    widget.open()
    panel = widget.page.locator(".sgw-panel").bounding_box()
    assert panel is not None and (panel["x"], panel["y"], panel["width"]) == (0, 0, PHONE["width"])
    expect(widget.page.locator(".sgw-launcher")).to_be_hidden()
    input_box = widget.page.locator(".sgw-input").bounding_box()
    assert input_box is not None and input_box["y"] + input_box["height"] <= PHONE["height"]
    overflow = widget.page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"]
    status = widget.page.locator(".sgw-status")
    expect(status).to_be_hidden()

    shown = widget.bot_texts()
    sockets[0].close(code=1012, reason="restart")  # the connection drops
    expect(status).to_have_text("已断开，正在重连…")
    expect(status).to_be_hidden(timeout=15_000)  # reconnected on its own
    assert len(sockets) == 2
    assert widget.bot_texts() == shown
    assert widget.say("你好") == [response_text("utter_greet")]  # over the new connection
    assert widget.errors == []
    widget.close()
