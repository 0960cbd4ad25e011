"""新装 over REST, end to end: a 个人新装 by 李娜 (13800000002) as 经办人 for the owner, and a
企业新装 by 赵强 (13800000004) as the enterprise's 经办人 with a 增值税专用发票, each with its
documents uploaded and its SMS code, then both found with 查询工单进度.

Both phones already had a login code in test_identity_binding.py, and a phone gets one code per
60 s: the tests move the servers' shared clock on (BOT_CLOCK_FILE) before each new code.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import PAST_RESEND_WAIT, Conversation, last_sms_code, log_in, payloads, response_text, texts
from tests.sample_files import MINIMAL_PDF

PDF = MINIMAL_PDF
USCC = "91330106MA2B3C4D5D"
WEST_LAKE_FIRST_DAY = date(2026, 11, 24)  # the seed books 西湖区's first offered morning full


def _logged_in(assistant: RunningAssistant, sender: str, request: str, phone: str) -> tuple[Conversation, list]:
    chat = Conversation(assistant.rasa_url, sender)
    assert texts(chat.say(request))[0] == response_text("utter_login_required")
    assistant.advance_clock(PAST_RESEND_WAIT)
    return chat, log_in(chat, assistant.database_url, phone)


def _order_no(reply: str) -> str:
    return re.search(r"工单号(GD\d{11})", reply).group(1)


def _business_reference(assistant: RunningAssistant, order_no: str) -> str | None:
    engine = create_engine(assistant.database_url, future=True)
    with engine.connect() as connection:
        reference = connection.execute(
            text("SELECT business_ref FROM work_orders WHERE order_no = :o"), {"o": order_no}
        ).scalar_one()
    engine.dispose()
    return reference


def test_a_personal_install_by_an_agent_is_filed_and_tracked(assistant: RunningAssistant) -> None:
    chat, after_login = _logged_in(assistant, "e2e-lina-install", "我要办理个人新装", "13800000002")
    assert '/inform{"region": "330102"}' in payloads(after_login)

    materials = texts(chat.say('/inform{"region": "330102"}'))
    assert materials[0].startswith("【浙江省杭州市上城区个人新装准备材料】")
    assert materials[-1] == response_text("utter_ask_new_install_form_ni_address")
    parsed = texts(chat.say("解放路88号"))
    assert parsed == [
        response_text("utter_ni_address_parsed").format(province="浙江省", city="杭州市", district="上城区",
                                                        street="解放路88号"),
        response_text("utter_ask_new_install_form_ni_address_ok"),
    ]
    role = chat.say("/affirm")
    assert "李娜，138****0002" in texts(role)[0] and '/inform{"proof_role": "经办人"}' in payloads(role)
    assert texts(chat.say('/inform{"proof_role": "经办人"}')) == [
        response_text("utter_ask_new_install_form_property_certificate")
    ]
    assert texts(chat.send_file(PDF, "房产证.pdf"))[-1] == response_text("utter_ask_new_install_form_ni_owner_name")
    assert texts(chat.say("王芳")) == [response_text("utter_ask_new_install_form_ni_owner_phone")]
    assert texts(chat.say("13800000009")) == [response_text("utter_ask_new_install_form_power_of_attorney")]
    assistant.advance_clock(PAST_RESEND_WAIT)
    code_sent = texts(chat.send_file(PDF, "授权委托书.pdf"))
    assert code_sent[-2:] == [
        response_text("utter_code_sent").format(masked_phone="138****0002"), response_text("utter_sms_ask_code"),
    ]
    [summary] = texts(chat.say(last_sms_code(assistant.database_url, "13800000002")))
    assert "业务：个人新装" in summary and "申请人身份：经办人" in summary and "产权人：王芳 138****0009" in summary

    submitted = texts(chat.say("/affirm"))[0]

    order_no = _order_no(submitted)
    assert "状态：已受理" in submitted and "2026年11月30日" in submitted  # 5 working days from Mon 23 Nov
    assert _business_reference(assistant, order_no)
    progress = texts(chat.say("查询工单进度"))
    assert any(line.startswith(f"工单{order_no}｜个人新装｜地址浙江省杭州市上城区解放路88号｜当前状态：已受理")
               for line in progress)


def test_an_enterprise_install_by_an_agent_with_a_special_invoice(assistant: RunningAssistant) -> None:
    chat, after_login = _logged_in(assistant, "e2e-zhaoqiang-install", "我要办理企业新装", "13800000004")
    assert '/inform{"region": "330106"}' in payloads(after_login)

    materials = chat.say('/inform{"region": "330106"}')
    assert "《授权委托书模板》下载：" in texts(materials)[0] and texts(materials)[0].endswith(".pdf")
    assert '/inform{"transformer": "不安装"}' in payloads(materials)
    assert texts(chat.say('/inform{"transformer": "不安装"}')) == [
        response_text("utter_ask_new_install_form_ei_equipment")
    ]
    equipment = texts(chat.say("空调 5kW 3台，电梯 15kW 1台"))
    assert equipment[0] == "已记录用电设备：空调 5kW×3；电梯 15kW×1。合计容量30kW。"
    assert texts(chat.say("文三路100号"))[-1] == response_text("utter_ask_new_install_form_ni_address_ok")
    slots = chat.say("/affirm")
    assert texts(slots)[-1].startswith("以下时段预约已满，不可选择：11月24日")
    full = texts(chat.say(f"{WEST_LAKE_FIRST_DAY.month}月{WEST_LAKE_FIRST_DAY.day}日上午"))
    assert full[0].endswith("预约已满，请选择其他时段。")
    notice = texts(chat.say(payloads(slots)[0]))
    assert any("15个工作日" in line for line in notice) and notice[-1] == response_text("utter_ask_ei_notice_read")
    assert texts(chat.say("/affirm")) == [response_text("utter_ask_new_install_form_ei_proof_type")]
    assert texts(chat.say('/inform{"entity_proof_type": "营业执照"}')) == [
        response_text("utter_ask_new_install_form_entity_proof")
    ]
    assert texts(chat.send_file(PDF, "营业执照.pdf"))[-1] == response_text("utter_ask_new_install_form_ei_uscc")
    assert "赵强" in texts(chat.say(USCC))[0]
    assert texts(chat.say('/inform{"enterprise_role": "经办人"}')) == [
        response_text("utter_ask_new_install_form_ei_legal_rep_name")
    ]
    assert texts(chat.say("王强")) == [response_text("utter_ask_new_install_form_power_of_attorney")]
    assert texts(chat.send_file(PDF, "授权委托书.pdf"))[-1] == response_text("utter_ask_new_install_form_legal_rep_id")
    assert texts(chat.send_file(PDF, "法人身份证.pdf"))[-1] == response_text(
        "utter_ask_new_install_form_ei_invoice_type"
    )
    assert texts(chat.say('/inform{"invoice_type": "增值税专用发票"}')) == [
        response_text("utter_ask_ei_company_name").format(uscc=USCC)
    ]
    assert texts(chat.say("杭州示例科技有限公司")) == [response_text("utter_ask_new_install_form_ei_invoice_address")]
    assert texts(chat.say("浙江省杭州市西湖区文三路100号")) == [
        response_text("utter_ask_new_install_form_ei_invoice_phone")
    ]
    assert texts(chat.say("0571-87654321")) == [response_text("utter_ask_new_install_form_ei_invoice_bank")]
    assert texts(chat.say("中国工商银行杭州文三路支行")) == [
        response_text("utter_ask_new_install_form_ei_bank_account")
    ]
    assistant.advance_clock(PAST_RESEND_WAIT)
    code_sent = texts(chat.say("1202 0212 0900 0123 456"))
    assert code_sent[0] == response_text("utter_code_sent").format(masked_phone="138****0004")
    assert texts(chat.say(last_sms_code(assistant.database_url, "13800000004"))) == [
        response_text("utter_ask_new_install_form_ei_remark")
    ]
    [summary] = texts(chat.say("备注：周末也可以上门"))
    assert "合计容量：30kW" in summary and "法定代表人：王强" in summary and "增值税专用发票" in summary
    assert "1202021209000123456" not in summary and "87654321" not in summary

    submitted = texts(chat.say("/affirm"))[0]

    order_no = _order_no(submitted)
    assert submitted.startswith(f"提交成功！企业新装工单号{order_no}，状态：已受理，现场勘查预约：2026年11月24日下午")
    assert _business_reference(assistant, order_no)
    progress = texts(chat.say("查询工单进度"))
    assert any(line.startswith(f"工单{order_no}｜企业新装｜地址浙江省杭州市西湖区文三路100号｜当前状态：已受理")
               for line in progress)
