"""Login by SMS code, binding, owner consent and the real-name detour, over REST against real servers."""
from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.bill_photos import bill_photo
from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, log_in, payloads, response_text, texts


def test_lina_logs_in_binds_by_number_and_lists(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-lina")
    first = texts(chat.say("帮我绑定户号3301000002"))
    assert first == [response_text("utter_login_required"), response_text("utter_ask_login_form_phone_number")]

    after_code = texts(log_in(chat, assistant.database_url, "13800000002"))
    assert after_code[0] == "登录成功，欢迎您（138****0002）！"
    # The request is resumed without asking again: the account found, masked, to confirm.
    assert after_code[1].startswith("查询到户号3301000002：户名 王*，地址 浙江省杭州市上城区解放路")
    assert "58号" not in after_code[1]

    assert texts(chat.say("确认")) == ["绑定成功！户号3301000002已添加到您的账号，并设为默认户号。"]
    listing = texts(chat.say("我绑了哪些户号"))
    assert listing == ["您已绑定的户号：\n3301000002｜王*｜浙江省杭州市上城区解放路（默认）"]


def test_binding_an_owner_certified_account_needs_the_owners_consent(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    requester = zhang_wei
    requester.say("绑定户号")
    preview = requester.say("3301000003")
    assert texts(preview)[0].startswith("查询到户号3301000003：户名 赵*")
    confirm = next(b["payload"] for r in preview for b in r.get("buttons") or [] if b["title"] == "确认绑定")
    pending = requester.say(confirm)
    assert texts(pending) == [response_text("utter_consent_requested")]
    assert "/rename_transfer" in payloads(pending)

    owner = Conversation(assistant.rasa_url, "e2e-zhaoqiang")
    owner.say("我要登录")
    owner_replies = log_in(owner, assistant.database_url, "13800000004")
    request = next(r for r in owner_replies if "授权申请" in (r.get("text") or ""))
    assert request["text"] == "您有一条户号绑定授权申请：用户张*申请绑定您认证的户号3301000003。是否同意？"
    approve = next(b["payload"] for b in request["buttons"] if b["title"] == "同意")
    assert texts(owner.say(approve)) == ["已同意，对方现在可以查询和办理户号3301000003的业务。"]
    # Pressing again changes nothing.
    assert texts(owner.say(approve)) == [response_text("utter_consent_not_found")]

    # The requester's channel cannot push: they hear the outcome on their next message.
    news = texts(requester.say("你好"))
    assert news == [response_text("utter_greet"), "户主已同意您绑定户号3301000003，现在可以使用了。"]
    assert "3301000003" in texts(requester.say("查看我的户号"))[0]


def test_a_consent_button_cannot_be_forged_by_someone_else(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-forger")
    forged = "/affirm" + json.dumps({"consent_request_id": "1"})
    assert texts(chat.say(forged)) == [response_text("utter_consent_not_found")]


def test_an_unverified_user_is_sent_to_real_name_verification_when_certifying(
    assistant: RunningAssistant,
) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-unverified")
    assert texts(chat.say("我要做户主认证"))[0] == response_text("utter_login_required")
    after_login = texts(log_in(chat, assistant.database_url, "13800000003"))
    assert after_login[1:] == [
        response_text("utter_verification_required"),
        response_text("utter_ask_verify_identity_form_person_name"),
    ]


def test_bad_input_is_explained_and_the_form_keeps_going(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-bad-input")
    chat.say("登录")
    assert texts(chat.say("12345")) == [
        response_text("utter_invalid_phone"), response_text("utter_ask_login_form_phone_number")]
    second = texts(chat.say("我的号是138abc"))
    assert second[:2] == [response_text("utter_invalid_phone"), response_text("utter_explain_phone_number")]
    third = chat.say("1380000")
    assert response_text("utter_offer_continue_or_cancel") in texts(third)
    assert "/cancel" in payloads(third)
    assert texts(chat.say("取消")) == [response_text("utter_cancelled")]


def test_search_by_holder_and_address_then_bind_from_the_pending_list(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-search")
    chat.say("绑定户号")
    registered = texts(log_in(chat, assistant.database_url, "13900000009"))
    assert registered[0] == "该手机号尚未注册，已为您自动注册网上国网账号并登录（139****0009）。"
    assert registered[1] == response_text("utter_ask_bind_account_form_account_number")

    found = chat.say("户名王芳 地址杭州市上城区解放路58号")
    assert texts(found)[0] == response_text("utter_search_results")
    [choice] = [b for r in found for b in r.get("buttons") or [] if b["title"].startswith("3301000002")]
    assert choice["title"] == "3301000002 王* 浙江省杭州市上城区解放路"
    assert texts(chat.say(choice["payload"]))[0].startswith("查询到户号3301000002：户名 王*")
    assert texts(chat.say("/affirm")) == ["绑定成功！户号3301000002已添加到您的账号，并设为默认户号。"]


def test_the_digits_under_a_bills_barcode_work_as_a_huhao(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-barcode")
    chat.say("绑定户号")
    log_in(chat, assistant.database_url, "13900000008")
    assert texts(chat.say("330100000520261001"))[0].startswith("查询到户号3301000005：户名 陈*")


def test_a_region_that_does_not_contain_the_account_reveals_nothing(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-region")
    chat.say("绑定北京的户号3301000002")
    after_login = texts(log_in(chat, assistant.database_url, "13900000007"))
    assert after_login[1:] == [
        response_text("utter_account_not_found"), response_text("utter_ask_bind_account_form_account_number")]


def test_a_photo_of_the_bills_qr_code_binds_the_account_on_it(assistant: RunningAssistant) -> None:
    chat = Conversation(assistant.rasa_url, "e2e-photo")
    photo = bill_photo("3301000004202610", "JPEG")
    # An anonymous chat's file is refused and not stored; the reply says how to go on.
    assert texts(chat.send_file(photo, "IMG_0001.jpg")) == [response_text("utter_upload_login_required")]
    assert texts(chat.say("登录")) == [response_text("utter_ask_login_form_phone_number")]
    log_in(chat, assistant.database_url, "13900000006")
    # A file that is not a picture is refused by its content, whatever its name says.
    assert texts(chat.send_file(b"just text", "bill.jpg")) == [response_text("utter_upload_wrong_type")]

    first = texts(chat.send_file(photo, "IMG_0001.jpg"))
    assert first[0] == "已从图片中识别到户号3301000004。"
    assert first[1].startswith("查询到户号3301000004：户名 刘*，地址 浙江省杭州市西湖区天目山路")
    assert texts(chat.say("确认")) == ["绑定成功！户号3301000004已添加到您的账号，并设为默认户号。"]


def test_an_upload_needs_a_sender(assistant: RunningAssistant) -> None:
    async def upload_without_sender() -> int:
        form = aiohttp.FormData()
        form.add_field("file", b"%PDF-1.7", filename="x.pdf")
        url = f"{assistant.rasa_url}/webhooks/rest/upload"
        async with aiohttp.ClientSession() as session, session.post(url, data=form) as reply:
            return reply.status

    assert asyncio.run(upload_without_sender()) == 400
