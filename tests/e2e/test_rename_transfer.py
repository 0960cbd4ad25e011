"""A 过户 of 3301000001 by its holder 13800000001 over REST, with the 产权证明 uploaded through the
upload endpoint, then the new work order found with 查询工单进度.

Runs after test_payments.py (pytest takes files in name order): the October bill is paid by
then, so the only 电费清算方式 is 结清后过户.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import create_engine
from sqlalchemy import text as sql

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation, last_sms_code, payloads, response_text, texts
from tests.sample_files import MINIMAL_PDF

CONTACT_PHONE = "13900000005"  # a phone no other e2e test sends codes to (one code per 60 s)
# The smallest file the upload channel takes as a PDF (it judges files by their bytes).
CERTIFICATE_PDF = MINIMAL_PDF


def _filed_new_holder(assistant: RunningAssistant, order_no: str) -> str:
    engine = create_engine(assistant.database_url, future=True)
    with engine.connect() as connection:
        form_data = connection.execute(
            sql("SELECT form_data FROM work_orders WHERE order_no = :o"), {"o": order_no}
        ).scalar_one()
    engine.dispose()
    return (json.loads(form_data) if isinstance(form_data, str) else form_data)["new_holder_name"]


def test_a_transfer_with_an_uploaded_certificate_becomes_a_work_order(
    assistant: RunningAssistant, zhang_wei: Conversation
) -> None:
    asked = texts(zhang_wei.say("我要办理过户"))
    assert asked == [response_text("utter_ask_rename_transfer_form_rt_ownership_change")]
    notice = texts(zhang_wei.say("是"))
    assert notice[0].startswith("《低压过户业务办理须知》") or "过户" in notice[0]
    assert notice[-1] == response_text("utter_ask_rt_notice_read").format(kind="过户")
    assert texts(zhang_wei.say("/affirm")) == [response_text("utter_ask_rename_transfer_form_new_holder_name")]
    assert texts(zhang_wei.say("王小明")) == [response_text("utter_ask_rename_transfer_form_new_holder_id")]
    assert texts(zhang_wei.say("110105199003078510")) == [
        response_text("utter_ask_rename_transfer_form_contact_phone")
    ]
    settlement = zhang_wei.say(CONTACT_PHONE)
    assert payloads(settlement) == ['/inform{"settlement": "结清后过户"}']
    assert texts(zhang_wei.say(payloads(settlement)[0])) == [
        response_text("utter_ask_rename_transfer_form_property_certificate")
    ]

    uploaded = texts(zhang_wei.send_file(CERTIFICATE_PDF, "产权证明.pdf"))

    assert uploaded[0] == response_text("utter_doc_upload_received")
    assert uploaded[1] == response_text("utter_code_sent").format(masked_phone="139****0005")
    summary = zhang_wei.say(last_sms_code(assistant.database_url, CONTACT_PHONE))
    [text] = texts(summary)
    assert "业务：过户" in text and "身份证号：1101**********8510" in text and "已上传材料：1份" in text
    assert "110105199003078510" not in text

    # 提交 carrying an entity that changes an answer: nothing is filed, a new summary shows it.
    changed = texts(zhang_wei.say('/affirm{"person_name": "李小红"}'))
    assert changed[0] == response_text("utter_form_summary_changed")
    assert "新户主/新户名：李小红" in changed[1] and "新户主/新户名：王小明" in text

    submitted = texts(zhang_wei.say("/affirm"))[0]

    order_no = re.search(r"工单号(GD\d{11})", submitted).group(1)
    assert "状态：已受理" in submitted
    assert _filed_new_holder(assistant, order_no) == "李小红"  # what the confirmed summary showed
    progress = texts(zhang_wei.say("查询工单进度"))
    assert progress[0].startswith(f"工单{order_no}｜过户｜户号3301000001｜当前状态：已受理")
