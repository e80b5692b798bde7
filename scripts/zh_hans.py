"""Simplified Chinese for the UI's English msgids; `python scripts/zh_hans.py` fills the .po file.

Kept as a table so that a reviewer reads English and Chinese side by side; `make messages`
re-extracts msgids, then this script fills them and compilemessages builds the .mo.
"""

import sys
from pathlib import Path

ZH = {
    "Audit trail": "操作审计", "time": "时间", "actor": "操作人", "actor label": "操作人标识", "action": "操作",
    "object type": "对象类型", "object id": "对象编号", "object": "对象", "before": "修改前", "after": "修改后",
    "reason": "理由", "audit record": "审计记录", "audit records": "审计记录",
    "Service catalog": "事项目录", "department": "部门", "code": "编码", "name": "名称", "kind": "事项类型",
    "content": "办理内容", "conditions": "受理条件", "procedure steps": "办理流程", "legal basis": "设定依据",
    "promised limit (working days)": "承诺时限（工作日）", "statutory limit (working days)": "法定时限（工作日）",
    "finished on the spot": "即办件", "result": "审批结果", "fee basis": "收费依据", "fee standard": "收费标准",
    "consultation phone": "咨询电话", "complaint phone": "投诉电话", "where to apply": "办理地点",
    "published": "已公开", "service item": "服务事项", "service items": "服务事项",
    "Original": "原件", "Copy": "复印件", "Original and copy": "原件及复印件", "Electronic": "电子材料",
    "order": "排序", "required": "必需", "form": "材料形式", "copies": "份数", "notes": "备注",
    "material": "申报材料", "materials": "申报材料", "Organisation": "组织机构",
    "Guide desk": "咨询导办", "Assisted service": "帮办代办", "Window clerk": "窗口人员",
    "Back-office approver": "后台审批", "Window head": "窗口负责人", "Department leader": "单位分管领导",
    "Center management office": "中心管理办公室", "Inspector": "督查",
    "Calendar year and month": "按自然年、自然月", "Rolling 365 and 30 days": "滚动365天、30天",
    "time zone": "时区", "address": "地址", "organisation and duties": "机构职能", "opening hours (text)": "办公时间",
    "complaint e-mail": "投诉邮箱", "center": "服务中心", "centers": "服务中心", "opening sessions": "办公时段",
    "clock-in grace (minutes)": "签到宽限（分钟）", "arrive early (minutes)": "提前到岗（分钟）",
    "pause grace (minutes)": "暂停宽限（分钟）", "pauses per day (minutes)": "每日暂停上限（分钟）",
    "handover lead (days)": "提前移交（天）", "ladder window": "问责计数区间",
    "merge vacancies of one post-day": "同岗同日缺位合并计数",
    "one-time notice within (working days)": "一次性告知时限（工作日）",
    "yellow card at (percent of limit)": "黄牌预警（时限用去百分比）",
    "bad rating handled within (working days)": "差评整改时限（工作日）",
    "most posts one person backs up": "一人最多担任B岗数", "small AB pool size": "AB互替小圈子人数",
    "center policy": "中心规则参数", "center policies": "中心规则参数", "Policy of %(center)s": "%(center)s规则参数",
    "duties": "职责", "phone": "电话", "departments": "部门", "location": "位置", "window": "窗口", "windows": "窗口",
    "staff number": "工号", "job title": "职务", "ID number": "身份证号", "photo": "照片", "active": "在岗",
    "account": "账号", "qualified for": "具备资质的事项", "staff member": "工作人员", "staff": "工作人员",
    "role": "角色", "staff role": "人员角色", "staff roles": "人员角色", "A (primary)": "A岗（主办）",
    "B (backup)": "B岗（替补）", "post": "岗位", "posts": "岗位", "year": "年份", "source": "来源",
    "calendar year": "年度放假安排", "calendar years": "年度放假安排", "date": "日期", "working day": "工作日",
    "note": "说明", "calendar day": "本地日历调整", "calendar days": "本地日历调整",
    "Simplified Chinese": "简体中文", "English": "英文", "Pages": "页面",
    "Staff login": "工作人员登录", "User name or password is wrong.": "用户名或密码错误。", "User name": "用户名",
    "Password": "密码", "Log in": "登录", "Each person logs in with their own account (SEC-1).": "每人使用本人账号登录，不得共用账号。",
    "%(counter)s item found": "找到 %(counter)s 个事项", "Code": "编码", "Service item": "服务事项",
    "Promised limit": "承诺时限", "Fee": "收费", "On the spot": "即办", "%(counter)s working day": "%(counter)s 个工作日",
    "No service item matches. Try fewer words, or ask at the guide desk.": "没有找到匹配的事项。请减少关键词，或到咨询导办台询问。",
    "AB post check": "AB岗检查",
    "Every post needs an A and a qualified B who can take over with A's authority (ORG-3, ORG-4). %(n)s posts checked.":
        "每个岗位都须有A岗和具备资质、可行使A岗职权的B岗（AB岗制度）。共检查 %(n)s 个岗位。",
    "posts lacking a valid B": "个岗位缺少有效B岗", "people who are B of more than %(n)s posts": "人担任B岗超过 %(n)s 个",
    "small pools backing each other": "个互替小圈子", "Posts lacking a valid B": "缺少有效B岗的岗位", "Post": "岗位",
    "Window": "窗口", "Why": "原因", "None: every post has a valid B.": "无：每个岗位都有有效B岗。",
    "Overloaded backups": "B岗负担过重", "If this person is out, all these posts depend on their A alone.":
        "此人不在岗时，以下岗位都只能依靠各自的A岗。", "Person": "人员", "Department": "部门", "B of posts": "担任B岗的岗位",
    "None.": "无。", "Small pools": "互替小圈子",
    "A few people who are each other's only A and B on several posts: when they are out together, every one of those posts is empty.":
        "少数几人在多个岗位上互为A、B岗：他们同时不在岗时，这些岗位将全部空岗。",
    "People": "人员", "Posts": "岗位", "Home": "首页", "Service guides": "办事指南", "Workbench": "工作台",
    "Log out": "退出", "Complaints": "投诉", "Working-day calendar": "工作日历",
    "The official State Council arrangement is known for %(a)s–%(b)s. Deadlines that run into a year nobody has entered are refused, never guessed (CASE-5).":
        "系统已有 %(a)s–%(b)s 年国务院放假安排。期限计算涉及尚未录入安排的年份时将报错，绝不按周末推测。",
    "Not yet covered:": "尚未覆盖的年份：", "Enter the year's arrangement below as soon as it is published.":
        "国务院通知发布后请尽快在下方录入。", "Years entered by this center:": "本中心已录入的年度：",
    "Enter a year's arrangement": "录入年度放假安排", "Year": "年份", "Source": "来源",
    "e.g. 国务院办公厅关于2027年部分节假日安排的通知": "如：国务院办公厅关于2027年部分节假日安排的通知",
    "Paste the notice's holiday lines (e.g. 春节：2月15日至23日放假调休，共9天。2月14日（周六）上班。), or one day per line: 2027-10-01..2027-10-07 休 国庆节 / 2027-09-26 班 调休. For a year the official calendar already covers, the lines become the center's own extra days.":
        "粘贴通知中的放假条目（如：春节：2月15日至23日放假调休，共9天。2月14日（周六）上班。），或每行一天/一段："
        "2027-10-01..2027-10-07 休 国庆节 / 2027-09-26 班 调休。对官方日历已覆盖的年份，录入内容作为本中心的本地调整。",
    "Save": "保存", "The center's own days": "本中心的本地调整", "Date": "日期", "Day": "类型", "Note": "说明",
    "day off": "休息日", "Logged in as %(name)s.": "当前登录：%(name)s。", "No role assigned": "未分配角色",
    "Posts without a valid B, overloaded backups, small pools": "缺少有效B岗、B岗负担过重、互替小圈子",
    "Staff": "工作人员", "Roles, posts; personal data masked": "角色与岗位；个人信息脱敏显示",
    "Official arrangement and the center's own days": "国务院放假安排与本中心调整", "The public catalog": "公开的事项目录",
    "Administration": "后台管理", "Records and the audit trail": "各类记录与操作审计", "API documentation": "接口文档",
    "Service guide": "办事指南", "All service guides": "全部办事指南", "Print": "打印", "Item code": "事项编码",
    "Kind": "事项类型", "Content": "办理内容", "Conditions": "受理条件", "Legal basis": "设定依据", "Procedure": "办理流程",
    "Finished on the spot (即办件)": "即办件，当场办结",
    "%(counter)s working day from acceptance (the day of acceptance not counted)": "受理后 %(counter)s 个工作日（受理当日不计）",
    "Statutory limit": "法定时限", "Result": "审批结果", "Fee basis": "收费依据", "Fee standard": "收费标准",
    "Where to apply": "办理地点", "Consultation": "咨询电话", "Materials to bring": "申报材料", "Material": "材料名称",
    "Required": "必需", "Original or copy": "原件/复印件", "Copies": "份数", "Notes": "备注", "If applicable": "视情形",
    "No materials are required.": "无需提交材料。",
    "If your materials are incomplete, the window tells you everything that is missing at once, in writing (one-time notice).":
        "材料不齐全的，窗口将一次性书面告知需要补正的全部材料（一次性告知）。",
    "Item name, code or department": "事项名称、编码或部门", "Search": "搜索", "All departments": "全部部门",
    "Opening hours": "办公时间", "Address": "地址", "Complaint phone": "投诉电话", "Complaint e-mail": "投诉邮箱",
    "Search the service guides, e.g. 营业执照": "搜索办事指南，如：营业执照",
    "%(counter)s service item published.": "已公开 %(counter)s 个服务事项。", "Departments and windows": "进驻部门与窗口",
    "No window": "暂无窗口", "%(counter)s service item": "%(counter)s 个事项", "Who serves you (identity board)": "窗口人员公示（身份亮明）",
    "A post": "A岗", "Phones and ID numbers are masked for your role (SEC-3).": "按您的角色，电话和身份证号已脱敏显示。",
    "Staff number": "工号", "Name": "姓名", "Roles": "角色", "A of": "A岗", "B of": "B岗", "Phone": "电话",
    "inactive": "已离岗", "No center has been set up yet. Run: servicehall demo": "尚未建立服务中心。请运行：servicehall demo",
    "No such service item.": "没有该服务事项。", "This page is for the hall's managers.": "此页面仅供大厅管理人员使用。",
    "Only the center management office may enter the calendar (SEC-2).": "只有中心管理办公室可以录入工作日历。",
    "year: %(value)s is not a year": "年份：%(value)s 不是有效年份",
    "text: no days found; paste the holiday list (CASE-5)": "内容：未识别到任何日期，请粘贴放假安排",
    "%(year)s: %(n)s days saved.": "%(year)s 年：已保存 %(n)s 天。",
    "No B assigned (ORG-3)": "未设置B岗（AB岗制度）", "A and B are the same person (ORG-3)": "A岗与B岗是同一人（AB岗制度）",
    "B %(who)s is no longer active staff (ORG-3)": "B岗 %(who)s 已不在岗（AB岗制度）",
    "B %(who)s is not qualified for %(items)s (ORG-4)": "B岗 %(who)s 不具备以下事项的办理资质：%(items)s",
}

ZH.update({
    "Duty and vacancies": "在岗与缺位", "Clock in": "签到", "Clock out": "签退", "Leave": "请假",
    "Away (meeting, training, business)": "公出（会议、培训、外出办事）", "Handover": "工作移交", "Pause": "暂停办理",
    "Pause ended": "恢复办理", "Stand-in": "顶岗", "Return from leave": "销假", "Approval": "审批",
    "Correction (voids an event)": "更正（作废一条记录）", "Adjudication (waives a vacancy)": "申诉裁定（免予认定缺位）",
    "Meeting": "会议", "Training": "培训", "Business": "外出办事", "device": "终端设备", "devices": "终端设备",
    "event id": "记录编号", "type": "类型", "handed over to": "移交给", "start": "开始", "end": "结束",
    "filed at": "登记时间", "approved": "已批准", "emergency": "特殊原因（紧急）", "refers to": "关联记录",
    "recorded at": "记录时间", "duty event": "在岗记录", "duty events": "在岗记录", "minutes": "分钟",
    "answerable": "责任方", "answerable code": "责任方编码", "still open": "仍在持续", "vacancy": "缺位",
    "vacancies": "次缺位", "detail": "详情", "attendance anomaly": "考勤异常", "attendance anomalies": "考勤异常",
    "text": "内容", "created at": "时间", "read": "已读", "notification": "提醒", "notifications": "提醒",
    "Updated": "更新于", "Not a working day": "今日非工作日", "本窗口暂停办理业务": "本窗口暂停办理业务",
    "%(m)s min so far": "已暂停 %(m)s 分钟", "empty since %(since)s (%(m)s min)": "自 %(since)s 起无人（%(m)s 分钟）",
    "Whereabouts": "人员去向公示", "Leave and away": "请假与公出", "New request": "新的申请", "Type": "类型",
    "Kind (away)": "公出类别", "Start": "开始", "End": "结束", "Reason": "事由", "File": "提交",
    "One day or less: the department leader approves. Two days or more, and any absence from a window for meetings or training: also filed with the center office (ATT-2, NV-4). A planned absence of A needs a handover the day before (NV-3).":
        "一天以内由单位分管领导批准；两天及以上，以及因会议、培训离开窗口的，还须报中心管理办公室登记备案。A岗计划离岗须提前一天办理工作移交。",
    "Time": "时间", "State": "状态", "Effect on the windows (NV-10)": "对窗口的影响（缺位预警）",
    "not approved": "未批准", "pending": "待审批", "%(m)s min empty": "空岗 %(m)s 分钟", "could stand in:": "可顶岗：",
    "nobody": "无", "No post left empty": "不会造成空岗", "Center office": "中心管理办公室",
    "Override reason (required: a post would be empty)": "仍批准的理由（将造成空岗，必填）", "Approve": "批准",
    "Reject": "不批准", "No requests.": "暂无申请。", "Attendance anomalies": "考勤异常", "From": "自", "To": "至",
    "Filter": "筛选", "Anomaly": "异常", "Minutes": "分钟", "No anomalies in this period.": "此期间无考勤异常。",
    "Hall board": "大厅看板", "Notice draft": "通报草稿", "Penalty ladder": "缺位问责", "Alerts": "提醒",
    "Alert": "提醒内容", "No alerts.": "暂无提醒。", "Penalty ladder %(year)s": "%(year)s 年缺位问责",
    "Vacancies for which A answers (NV-6), ranked within the year and the month: 1st in the year criticism; 2nd or later in the year public criticism and admonition; 2nd or later within one month public criticism and transfer off the window recommended (NV-8).":
        "由A岗负责的缺位，按年度、月度累计：年度内第一次给予批评；年度内第二次及以上通报批评并诫勉谈话；一个月内第二次及以上通报批评并建议调离窗口岗位。",
    "Show": "查看", "In year": "年度第几次", "In month": "当月第几次", "Level": "处理", "No counted vacancies this year.": "本年度无计入问责的缺位。",
    "Vacancies": "窗口缺位", "Person (name or number)": "人员（姓名或工号）",
    "minutes without anyone in order": "分钟无人在岗", "answerable: %(label)s": "责任方：%(label)s",
    "Working days": "工作日", "judged": "已认定", "unrecorded: no clock data, not judged": "无考勤数据，未认定",
    "unrecorded": "无记录", "Answerable": "责任方", "ongoing": "持续中", "A": "A岗",
    "B, referred to the department": "B岗，移交单位处理", "Evidence": "证据", "No vacancies in this period.": "此期间无缺位。",
    "Vacancy": "缺位", "Evidence: the events of this post-day": "证据：该岗位当日的全部记录", "Event": "记录",
    "Detail": "详情", "filed": "登记于", "No events: nobody clocked in for this post.": "无记录：该岗位当日无人签到。",
    "Appeal / adjudication": "申诉与裁定",
    "If the appeal holds (for example the clock terminal was broken), record the decision with its reason: the minutes stop counting and the day is re-derived. The decision is an event with your name.":
        "申诉成立的（如考勤机故障），请写明理由后裁定：这些分钟不再计为缺位，当日记录随即重新认定。裁定以您的名义留档。",
    "Reason for waiving this vacancy": "免予认定的理由", "Uphold the appeal": "申诉成立",
    "A on duty": "A岗在岗", "B covering": "B岗顶岗", "Paused": "暂停办理", "Vacant": "缺位", "Closed": "未开放",
    "Not yet recorded": "暂无考勤", "Criticism": "批评", "Public criticism and admonition talk": "通报批评并诫勉谈话",
    "Public criticism, transfer off the window recommended": "通报批评并建议调离窗口岗位", "Late": "迟到",
    "Left early": "早退", "No clock-out": "未签退", "Clock-out without clock-in": "无签到而签退",
    "Absent without leave": "旷工（缺岗）", "B (referred to the department)": "B岗（移交单位处理）",
    "On leave": "请假", "Paused, back soon": "暂离，稍后返回", "At the window": "在窗口", "Not at the center": "不在中心",
    "Only the center management office adjudicates (SEC-2).": "只有中心管理办公室可以裁定。",
    "Adjudication recorded; the day was re-derived.": "裁定已记录，当日已重新认定。",
    "No such counted vacancy.": "没有这条计入问责的缺位。", "%(field)s: not a date and time": "%(field)s：不是有效的日期时间",
    "staff: unknown person": "人员：不存在", "Request filed.": "申请已提交。",
    "Your role does not decide at this level (ATT-2).": "您的角色无权在这一环节审批。", "Decision recorded.": "审批已记录。",
    "Every window now: on duty, covering, paused, vacant": "各窗口实时状态：在岗、顶岗、暂停、缺位",
    "By day, department and person, with evidence and appeals": "按日期、部门、人员查看，含证据与申诉",
    "Counted vacancies of the year and notice drafts": "年度计入问责的缺位与通报草稿",
    "Late, early leave, no clock-out, absent": "迟到、早退、未签退、旷工",
    "Requests, approvals, and who would cover": "申请、审批与顶岗人选", "Vacancy alerts for you": "发给您的缺位提醒",
})

ZH.update({
    "Handover (NV-3)": "工作移交", "Emergency": "特殊原因（紧急）", "What B needs to know": "需交代B岗的事项",
    "Filed at least a day before; otherwise only an emergency keeps the absence in order.":
        "须至少提前一天办理；否则只有特殊原因（紧急）情况下离岗才算合规。",
    "Assign a stand-in (NV-7)": "指定顶岗人员", "Assign": "指定",
    "The stand-in must be qualified for every item of the post.": "顶岗人员须具备该岗位全部事项的办理资质。",
    "Back now (end leave)": "现在返岗（销假）", "A handover is filed by the post's A (NV-3).": "工作移交由该岗位A岗办理。",
    "date: not a date": "日期：无效", "Handover filed.": "工作移交已登记。",
    "Stand-ins are assigned by the center office (NV-7).": "顶岗人员由中心管理办公室指定。",
    "Stand-in assigned.": "已指定顶岗人员。", "Only the person or the center office ends a leave.": "只有本人或中心管理办公室可以销假。",
    "Welcome back: the leave ended now.": "已销假，欢迎返岗。",
})

ZH.update({
    "Cases": "办件", "Accepted, in progress": "已受理，办理中", "Waiting for the applicant's corrections": "待申请人补正",
    "Paused for a statutory procedure": "特别程序中（暂停计时）", "Approved": "准予办理", "Denied": "不予批准",
    "Not accepted": "不予受理", "Result delivered": "已送达", "Finished on the spot": "当场办结", "On time": "正常",
    "Yellow card": "黄牌预警", "Red card: overdue": "红牌：已超期", "Materials received": "收取材料", "Accepted": "受理",
    "One-time notice": "一次性告知", "Corrections received": "补正材料", "Not accepted (written refusal)": "不予受理（书面）",
    "Transferred": "转办", "Statutory procedure started": "特别程序开始", "Statutory procedure ended": "特别程序结束",
    "Extension requested": "申请延期", "Extension decided": "延期审批", "Decision": "办理决定",
    "case number": "办件编号", "applicant kind": "申请人类型", "applicant": "申请人",
    "unified social credit code": "统一社会信用代码", "accepting clerk": "受理人", "handling now": "当前经办人",
    "received at": "收件时间", "received on": "收件日期", "accepted on": "受理日期", "promised working days": "承诺时限（工作日）",
    "status": "状态", "due date": "到期日", "card": "预警", "notice later than allowed": "告知超时",
    "second notice asked for more": "二次告知增加材料", "case": "办件", "cases": "办件", "count": "份数",
    "received material": "收件材料", "received materials": "收件材料", "step": "环节", "case step": "办理环节",
    "case steps": "办理环节", "Received": "已收", "Count": "份数", "What is wrong (for the notice)": "存在问题（用于告知）",
    "e.g. not signed, expired": "如：未签名、已过期", "Pick the service item: its list of materials appears here.": "请选择事项，材料清单将显示在这里。",
    "Case number": "办件编号", "Applicant": "申请人", "Status": "状态", "Due": "到期日", "red": "红牌", "yellow": "黄牌",
    "Case workstation": "受理工作台", "red card: overdue": "红牌：已超期", "yellow card": "黄牌预警",
    "contact details hidden": "联系方式已隐藏", "accepted by": "受理人", "Documents": "文书", "Receipt": "收件回执",
    "Refusal": "不予受理通知书", "Steps": "办理环节", "Step": "环节", "By": "经办人", "Next step": "下一步",
    "what is wrong": "存在问题", "I know this asks for more than the first notice": "我知道这比第一次告知多要了材料",
    "Issue": "出具", "Accept the corrections": "接收补正材料", "Refuse in writing": "书面不予受理", "Transfer": "转办",
    "or another department": "或转其他部门", "Reasons (required for a denial)": "理由（不予批准时必填）", "Deny": "不予批准",
    "Statutory procedure (clock paused)": "特别程序（暂停计时）", "hearing, expert review, testing, public notice": "听证、专家评审、检验检测、公示",
    "Procedure ended: resume the clock": "特别程序结束，恢复计时", "Extension (before the due date)": "延期（须在到期日前）",
    "days": "天", "Special reason": "特殊原因", "Request": "申请", "Waiting: +%(d)s working days, %(r)s": "待审批：延长 %(d)s 个工作日，%(r)s",
    "Approve the extension (center leader)": "审批延期（中心领导）", "Deliver the result": "送达结果",
    "Collected at the window": "窗口领取", "Mailed": "邮寄送达", "Tracking number (mail)": "邮件单号（邮寄时）", "Record": "登记",
    "Accept a new case": "受理新办件", "Unified social credit code": "统一社会信用代码",
    "Accept and print the receipt": "受理并打印收件回执", "Issue the one-time notice": "出具一次性告知单",
    "This notice asks for materials the first notice did not name: a breach of the one-time rule (CASE-3). Both notices are shown side by side.":
        "本次告知要求了第一次告知未列出的材料，违反一次性告知制度。两份告知单并列显示如下。",
    "First notice": "第一次告知", "not in the first notice": "第一次告知未列",
    "Issued later than the allowed working days after receipt (CASE-3).": "超过规定的工作日才告知（违反一次性告知时限）。",
    "Case progress": "办件进度查询", "Case number on your receipt": "收件回执上的办件编号", "Last 4 digits of phone": "手机号后四位",
    "Look up": "查询", "No case matches this number and phone.": "没有查到与编号和手机号相符的办件。", "Contact": "联系电话",
    "Promised completion": "承诺办结", "within %(n)s working days, by %(due)s": "%(n)s 个工作日内，于 %(due)s 前办结",
    "Progress: on this site (办件进度查询) with the case number and the last four digits of your phone.":
        "可凭办件编号和手机号后四位在本中心网站“办件进度查询”查询进度。",
    "Accepting clerk": "受理人", "Early warning": "办件预警", "red cards (overdue: violations of the clerk and department)": "红牌（超期，计入经办人和部门过错）",
    "yellow cards": "黄牌", "late one-time notices": "告知超时", "second notices asking for more": "二次告知增加材料", "Card": "预警",
    "Accepted by": "受理人", "Handling now": "当前经办人", "No yellow or red cases.": "没有黄牌或红牌办件。",
    "Case number or applicant": "办件编号或申请人", "Found": "查询结果", "Nothing found.": "没有找到。", "received today": "今日收件",
    "yellow or red": "黄牌或红牌", "waiting on the applicant": "待补正", "open cases": "在办办件", "Due soon or overdue": "即将到期或已超期",
    "Waiting on the applicant (one-time notice issued)": "待申请人补正（已一次性告知）", "Received today": "今日收件",
    "unknown action": "未知操作", "Recorded.": "已登记。", "This case was not refused.": "该办件未被不予受理。",
    "remedy (written on refusals)": "救济途径（写入不予受理通知书）",
    "Accept cases, one-time notices, what is due": "受理办件、一次性告知、到期提醒",
    "Yellow and red cases by department": "按部门查看黄牌、红牌办件",
})

ZH.update({
    "joint case number": "联办编号", "courier": "取送件人员", "pickup times": "取件时间", "courier schedule": "取送件安排",
    "courier schedules": "取送件安排", "handed by": "交件人", "received by": "接收人", "urgent": "急件",
    "file hand-over": "交接记录", "file hand-overs": "交接记录", "package number": "代办编号", "agent": "代办员",
    "proxy package": "全程代办", "proxy packages": "全程代办", "Elderly (60 or over)": "老年人（60周岁以上）",
    "Disabled (grade 2 or above)": "残疾人（二级以上）", "Unable to move": "行动不便", "Key enterprise or project": "重点企业、重点项目",
    "Other special group": "其他特殊群体", "group": "服务对象", "place": "地点", "assigned to": "帮办人员", "requested at": "登记时间",
    "follow up by": "跟进期限", "closed at": "办结时间", "outcome": "结果", "assisted service request": "帮办代办登记",
    "assisted service requests": "帮办代办登记", "visit": "走访", "visits": "走访",
    "Free help for the elderly (60+), the disabled (grade 2 and above), people unable to move, key enterprises and projects: registered with place and item, visited and followed up (CASE-9).":
        "为60周岁以上老年人、二级以上残疾人、行动不便人员及重点企业和项目免费帮办代办：登记地点和事项，上门服务并跟踪办结。",
    "Group": "服务对象", "Place": "地点", "Assigned to": "帮办人员", "Follow up by": "跟进期限", "Visits": "服务记录",
    "closed": "已办结", "overdue": "已逾期", "Home visit": "上门服务", "On-site help": "现场帮办", "Mailing": "邮寄",
    "close": "办结", "Log": "记录", "Register a request": "登记帮办代办", "Register": "登记", "Courier log": "取送件",
    "Files waiting to be carried": "待取送的件", "Pickup due": "应取件时间", "waiting too long": "超时未取",
    "No files waiting.": "没有待取送的件。", "Handed by": "交件人", "to": "交给", "Log the hand-over": "登记交接",
    "Couriers and pickup times": "取送件人员与时间", "Courier": "取送件人员", "Pickup times": "取件时间",
    "No courier named yet.": "尚未指定取送件人员。", "Recent hand-overs": "最近交接记录", "Received by": "接收人",
    "Joint case": "联办件", "Nothing is missing: every department accepted its part.": "材料齐全，各部门均已受理。",
    "Cases of this joint application": "本次联办的各办件", "Full-process proxy": "全程代办",
    "An agent handles a package of items for one applicant; the actual working days, summed, may not exceed the promised limits, summed (CASE-8).":
        "代办员为申请人办理一组事项，各事项实际用时之和不得超过承诺时限之和。",
    "Package": "代办编号", "Agent": "代办员", "Promised, summed": "承诺时限合计", "Actual, summed": "实际用时合计",
    "over the promised sum": "超出承诺合计", "finished within": "已按时办结", "New package": "新建代办",
    "Case numbers, separated by commas": "办件编号，用逗号分隔", "Create": "创建",
    "Couriers are named by the center office.": "取送件人员由中心管理办公室指定。", "No such joint case.": "没有这个联办件。",
    "cases: unknown case numbers %(n)s": "办件：编号不存在 %(n)s", "only staff log visits": "只有工作人员可以记录服务",
    "Requests, home visits, follow-ups": "登记、上门服务、跟踪", "Packages and their summed days": "代办事项及合计用时",
    "Files between windows and departments": "窗口与部门之间的取送件",
})

ZH.update({
    "Accept a joint case": "受理联办件",
    "One window receives for several departments (联办件): one case per item under one joint number; anything missing goes on one combined one-time notice (CASE-8, CASE-3).":
        "一个窗口统一收件、多个部门办理（联办件）：每个事项一个办件，共用一个联办编号；缺少的材料在一张告知单上一次性告知。",
    "Next: the materials": "下一步：核对材料", "Receive": "收件", "Center settings": "中心规则参数",
    "Grace minutes, lead days, ladder, notice days, remedy text": "宽限分钟、提前移交天数、问责计数、告知时限、救济途径",
    "The center's rules in numbers; defaults follow the rulebook. Every change is audited.": "中心制度中的各项数值，默认值依照制度；每次修改均留档审计。",
    "Only the center management office may change the settings (SEC-2).": "只有中心管理办公室可以修改规则参数。",
    "%(field)s: a whole number": "%(field)s：须为整数", "Settings saved.": "规则参数已保存。",
    "Too many lookups from here. Please try again in ten minutes.": "查询过于频繁，请十分钟后再试。",
})

ZH.update({
    "green channel: longest wait of others (minutes)": "绿色通道：其他群众最长等候（分钟）", "Queue and ratings": "排队叫号与评价",
    "Waiting": "等候中", "Called": "已叫号", "Being served": "办理中", "Served": "已办理", "Did not come": "过号未到",
    "queue": "队列", "day": "日期", "number": "序号", "ticket": "号票", "green channel": "绿色通道", "issued at": "取号时间",
    "called at": "叫号时间", "service started": "开始办理", "service finished": "办理结束", "recalls": "重呼次数",
    "tickets": "号票", "Very satisfied": "非常满意", "Satisfied": "满意", "Basically satisfied": "基本满意",
    "Dissatisfied": "不满意", "Very dissatisfied": "非常不满意", "rating": "评价", "comment": "意见", "rated at": "评价时间",
    "ratings": "评价", "due": "整改期限", "holds after verification": "核实属实", "rectification": "整改情况",
    "answer to the rater": "答复评价人", "follow-up visit": "回访", "bad rating case": "差评整改", "bad rating cases": "差评整改",
})

ZH.update({
    "Number": "号码", "No number called yet.": "尚未叫号。", "Waiting now: %(waiting)s": "当前等候：%(waiting)s 人",
    "Caller": "叫号", "Switch window": "切换窗口", "waiting for this window": "人等候本窗口",
    "%(n)s green channel": "绿色通道 %(n)s 人", "Green channel": "绿色通道", "Call next": "呼叫下一位", "Recall": "重呼",
    "Start service": "开始办理", "Finish service": "办理完毕", "Resume service": "恢复办理", "Pause (暂停办理)": "暂停办理",
    "Pick your window.": "请选择您的窗口。", "Calling display": "叫号显示", "Take a number": "自助取号",
    "This kiosk is not registered: the center office activates it with the device token.": "本取号机尚未登记，请中心管理办公室用设备令牌激活。",
    "%(counter)s person ahead of you": "您前面还有 %(counter)s 人", "Print the slip": "打印排队小票", "Done": "完成",
    "Search the service items": "搜索办理事项", "ID number (optional: 60 and over join the green channel)": "身份证号（选填：60周岁以上自动进入绿色通道）",
    "No service item matches.": "没有匹配的事项。", "Rate our service": "服务评价", "This rating pad is not registered.": "本评价器尚未登记。",
    "Use for this window": "用于此窗口", "Thank you for your rating.": "感谢您的评价！", "Anything to tell us (optional)": "意见建议（选填）",
    "%(w)s: waiting for the next finished service.": "%(w)s：等待下一次办理完成后评价。",
    "Unknown or withdrawn device token.": "设备令牌无效或已停用。", "This kiosk is not registered.": "本取号机尚未登记。",
    "only staff pause a window": "只有工作人员可以暂停窗口", "this window is already paused": "本窗口已在暂停中",
    "this window is not paused": "本窗口未暂停", "Call the next number, pause the window": "呼叫下一位、暂停窗口",
})

ZH.update({
    "Poor ratings": "差评整改",
    "Each poor rating is verified; if it holds, rectified; the rater is answered and visited, within the set working days (EVAL-2).":
        "每条差评须核实；属实的须整改，并在规定工作日内答复评价人、回访。",
    "Ticket": "号票", "Rating": "评价", "Clerk": "窗口人员", "Handling": "处理", "holds": "属实", "does not hold": "不属实",
    "visited": "已回访", "No poor ratings.": "没有差评。", "Satisfaction": "满意度", "Service satisfaction (last 30 days)": "服务满意度（近30天）",
    "Waiting now: %(n)s; those called in the last hour waited %(m)s minutes on average.": "当前等候 %(n)s 人；近一小时叫号的群众平均等候 %(m)s 分钟。",
    "By window": "按窗口", "By department": "按部门", "Ratings": "评价数", "Satisfied (%%)": "满意率（%%）",
    "Queue statistics": "排队统计", "Download xlsx": "下载 xlsx", "Waiting time by hour (90th percentile)": "各时段等候时间（第90百分位）",
    "Waiting time by hour": "各时段等候时间", "By service item": "按事项", "By hour of day": "按时段", "Average wait": "平均等候",
    "Wait P90": "等候P90", "Average service": "平均办理", "Service P90": "办理P90", "Satisfaction by clerk": "各窗口人员满意度",
    "Waiting and service times, satisfaction, xlsx": "等候与办理时长、满意度、xlsx 导出", "Verify, rectify, answer, visit": "核实、整改、答复、回访",
    "Service satisfaction and waiting now": "服务满意度与当前等候",
})

ZH.update({
    "places": "名额", "extended hours": "延时服务", "appointment slot": "预约时段", "appointment slots": "预约时段",
    "booking code": "预约码", "booked at": "预约时间", "cancelled": "已取消", "appointment": "预约", "appointments": "预约",
    "Appointments": "预约办理", "Your booking code": "您的预约码",
    "Check in at the kiosk from 15 minutes before: you are called with priority within your slot.": "请提前15分钟内到取号机签到，在预约时段内优先叫号。",
    "Places left": "剩余名额", "Book": "预约", "full": "已约满", "No bookable slots yet.": "暂无可预约时段。",
    "Open a slot": "开放预约时段", "extended hours (lunch, weekend)": "延时服务（午间、周末）", "Open": "开放",
    "Booked? Enter your booking code": "已预约？请输入预约码", "Check in": "签到",
    "Slots are opened by the center office.": "预约时段由中心管理办公室开放。", "Slot opened.": "预约时段已开放。",
    "date and times: YYYY-MM-DD and HH:MM": "日期和时间格式：YYYY-MM-DD、HH:MM",
    "Daily xlsx": "日报 xlsx", "Monthly xlsx": "月报 xlsx",
})

ZH.update({
    "Complaints and first inquiries": "投诉与首问", "Irregular approval": "违规审批", "Service promise broken": "违反服务承诺",
    "Asking for favours or other corruption": "吃拿卡要等不廉洁行为", "Dispute about procedure or result": "对办理程序或结果有异议",
    "Poor quality or attitude": "服务质量差、态度不好", "Illegal or add-on fees": "违规收费、搭车收费", "Other violation": "其他违规行为",
    "Online form": "网上投诉", "Letter": "来信", "E-mail": "电子邮件", "Complaint box": "投诉箱", "In person": "来访",
    "Received, awaiting intake": "已收到，待受理", "Registered": "已登记受理", "Supervision order with the department": "已督办",
    "Department replied": "部门已回复", "Answered": "已答复", "Withdrawn after explanation": "经解释撤回",
    "tracking code": "查询码", "channel": "渠道", "ground": "投诉事由", "matter": "投诉内容", "complained about": "被投诉对象",
    "anonymous": "匿名", "department reply due": "部门回复期限", "answer": "答复", "upheld": "属实", "complaint": "投诉",
    "complaints": "投诉", "by": "经办", "Written self-criticism and public criticism": "书面检查并通报批评",
    "No award eligibility this year": "取消当年评先评优资格", "Gift or meal returned or paid for": "退还礼品礼金或付费",
    "Administrative efficiency accountability": "行政效能责任追究", "accountability record": "问责记录", "accountability records": "问责记录",
    "Complaint desk": "投诉受理台",
    "Two or more upheld violations this year (administrative efficiency accountability; public criticism of the window head):":
        "本年度两次及以上违规属实（实行行政效能责任追究，并通报批评窗口负责人）：",
    "Tracking code": "查询码", "Ground": "投诉事由", "No complaints.": "暂无投诉。", "Matter": "投诉内容", "Concerned": "投诉对象",
    "Complainant": "投诉人", "Anonymous": "匿名", "Answer": "答复", "Intake": "受理", "Explanation given, or why it is invalid": "已作的解释，或不予受理的理由",
    "Invalid": "不予受理", "Resolved on the spot": "现场协调解决", "Answer to the complainant": "给投诉人的答复", "not upheld": "不属实",
    "Close with this answer": "以此答复办结", "Supervision order": "督办", "working days": "个工作日", "Instruction": "督办要求",
    "Department's written result": "部门书面处理结果", "Rectification": "整改情况", "Answer the complainant": "答复投诉人",
    "Send the answer": "发送答复", "Accountability": "责任追究", "Your tracking code": "您的查询码",
    "Keep it: with it you can see the status and our answer.": "请妥善保存，凭此码可查询办理进度和答复。", "See the status": "查询进度",
    "File a complaint": "我要投诉",
    "Too many submissions from here. Please try again in ten minutes, or call the complaint phone.": "提交过于频繁，请十分钟后再试，或拨打投诉电话。",
    "Real names help us answer you; you may also stay anonymous. Every complaint is answered.": "鼓励实名投诉以便答复，也可匿名。件件有回音。",
    "Window, department or person concerned": "被投诉的窗口、部门或人员", "What happened": "投诉内容", "Submit": "提交",
    "Complaint status": "投诉查询", "No complaint has this code.": "没有这个查询码的投诉。", "days: a whole number": "天数须为整数",
    "Intake, supervision orders, answers, accountability": "受理、督办、答复、问责",
    "Register the complaint": "登记受理",
    "Handled by the first-responsible person": "首问责任人已办理", "Transferred, followed to the end": "已转办，跟踪办结",
    "Closed by the receiver": "承办人已办结", "asked by": "咨询人", "materials received": "收取材料",
    "first-responsible": "首问责任人", "transfer due": "转办期限", "first inquiry": "首问登记", "first inquiries": "首问登记",
    "First inquiries": "首问登记", "Who asked (name or organisation)": "咨询人（姓名或单位）", "The matter": "咨询事项",
    "Materials received, separated by commas": "收取的材料，用逗号分隔", "Outside my duties: transfer to": "不属本人职责，转交：",
    "Asked together with others? The most senior of you is first-responsible (FIR-1).": "多人同时被询问时，由职级最高者为首问责任人。",
    "Passed to me": "转给我的事项", "from": "来自", "Close": "办结", "reason to send back": "退回理由", "Send back": "退回",
    "My first inquiries": "我的首问登记", "Asked by": "咨询人", "Register, transfer with a slip, follow to the end": "登记、开具引导单、跟踪到底",
})

# Issue 6, the rest: attachments, alerts, department inbox, monthly summary, one person's record.
ZH.update({
    "From first inquiry": "来自首问登记", "escalated at": "升级督办时间", "file": "文件", "size (bytes)": "大小（字节）",
    "attachment": "附件", "attachments": "附件", "Attachments": "附件", "Admonishing talk": "诫勉谈话",
    "Assessment points deducted": "考核扣分", "Public criticism": "通报批评",
    "Sent back to the first-responsible person": "已退回首问责任人", "Closed with an outcome": "已办结",
    "materials still needed": "尚需补齐的材料", "reason for sending back": "退回理由",
    "overdue alert sent at": "逾期提醒时间", "Monthly summary": "月度汇总", "Public status page": "公众查询页",
    "Two or more violations this year": "本年度两次及以上违规",
    "administrative efficiency accountability; public criticism of the window head": "追究行政效能责任，通报批评窗口负责人",
    "violation no. %(n)s": "第 %(n)s 次违规", "window head": "窗口负责人", "All": "全部", "Overdue": "逾期", "Channel": "渠道",
    "Enter a complaint received by phone, letter, e-mail or from the box": "登记电话、来信、邮件或意见箱收到的投诉",
    "Enter": "登记", "Department's complaint inbox": "本部门投诉督办", "Department reply due": "部门答复期限",
    "Outcome": "处理结果", "Supervision orders to answer in writing": "待书面答复的督办件",
    "No open supervision orders.": "没有待办的督办件。", "Registered, with the center office": "已受理，中心办公室处理中",
    "Withdrawn after a window's explanation (fed back)": "经窗口解释后撤回（已反馈）", "Replied or answered": "已回复或已答复",
    "Service item (optional)": "服务事项（可选）", "Within my duties": "属本人职责",
    "Materials still needed (prints the one-time notice)": "尚需补齐的材料（打印一次性告知单）",
    "Asked together with colleagues? The most senior of you is first-responsible (FIR-1).":
        "与同事同时被询问？由职级最高者为首问责任人。",
    "Asked together with": "同时被询问的同事", "Hold Ctrl to choose several.": "按住 Ctrl 可多选。",
    "Sent back:": "退回理由：", "Pass on": "重新转交", "Slip": "引导单", "Receive as a case": "转为办件受理",
    "Photos or documents (optional)": "照片或文件（可选）",
    "Up to 3 files, JPEG, PNG or PDF, 5 MB each.": "最多 3 个文件，JPEG、PNG 或 PDF 格式，每个不超过 5 MB。",
    "Two or more violations this year: administrative efficiency accountability (CMP-5).":
        "本年度两次及以上违规：追究行政效能责任。",
    "public criticism of the window head": "通报批评窗口负责人",
    "As window head: public criticism for colleagues' repeated violations (CMP-5):": "作为窗口负责人，因本窗口人员一年内两次及以上违规被通报批评：",
    "Accountability outcomes": "责任追究", "First inquiry": "首问登记", "Complaints naming this person": "涉及本人的投诉",
    "First-responsible": "首问负责", "passed on": "转办", "received from colleagues": "接收转办", "sent back": "退回",
    "late": "逾期", "received from": "接收自", "Vacancies answered for": "本人担责的缺位",
    "%(n)s more vacancy as B or of the department, referred to the department (NV-6).":
        "另有 %(n)s 次缺位由 B 岗或单位担责，已移交窗口单位处理。",
    "Penalty ladder for vacancies (NV-8)": "缺位问责阶梯", "rank in the month": "月内第", "rank in the year": "年内第",
    "Monthly complaint summary": "投诉情况月报", "complaints received": "收到投诉", "answered": "已答复",
    "working days to answer, mean": "平均答复用时（工作日）", "By ground": "按投诉事由", "By channel": "按渠道",
    "By status": "按状态", "Overdue orders": "督办逾期", "transferred": "转办", "overdue alerts": "逾期提醒",
    "This page is for the center office, inspectors and the department concerned.": "本页面仅供中心管理办公室、督查人员和相关部门使用。",
    "Complaint %(code)s entered.": "投诉 %(code)s 已登记。",
    "transferred inquiry closed within (working days)": "首问转办办结时限（工作日）",
    "Printable, and as xlsx": "可打印，可导出 xlsx", "queue ticket": "排队号", "Queue ticket": "排队号",
    "a one-time notice is linked to it (Q-5)": "一次性告知将关联此排队号", "receive without a ticket": "不关联排队号",
    "Print on the back of the ticket": "打印排队小票背面清单", "Receive a case on this ticket": "为此号受理办件",
    "No one-time notice was issued on this ticket.": "此排队号没有出具一次性告知。", "the public, online form": "群众（网上投诉）",
    "automatic escalation": "系统自动升级",
    "a first inquiry this person answered for or received": "应为本人首问负责或接收转办的事项", "Written result": "书面处理结果",
    "Supervision order overdue, escalated": "督办逾期，已升级",
    "choose the person held accountable (CMP-5)": "请选择被追究责任的人员", "Still open": "未办结", "My record": "我的记录",
    "Complaints, first inquiries, vacancies this year": "本年度投诉、首问、缺位情况",
    "Vacancies, overdue transfers and supervision orders": "缺位、转办逾期和督办逾期提醒",
})

# Org chart pages.
ZH.update({
    "Only the center management office may change the org chart (SEC-2).": "只有中心管理办公室可以修改组织架构。",
    "roles: a staff member holds at least one role (ORG-2)": "roles：工作人员至少担任一个角色（ORG-2）",
    "Saved: %(who)s.": "已保存：%(who)s。", "Saved: post %(code)s.": "已保存：岗位 %(code)s。",
    "All posts": "全部岗位", "New post": "新增岗位",
    "Every post has an A and a different B who is qualified for every item of the post (ORG-3, ORG-4).":
        "每个岗位都有 A 岗和另一名具备本岗位全部事项办理资格的 B 岗。",
    "Service items of the post": "本岗位的服务事项", "New staff member": "新增工作人员", "Job title": "职务",
    "Duties": "岗位职责", "Qualified for (ORG-4: a B must be qualified for every item of the post)":
        "可办理事项（B 岗须具备所顶岗位全部事项的办理资格）",
    "B of:": "担任 B 岗：", "Own account (SEC-1: no shared accounts)": "个人账号（一人一号，不得共用）",
    "New password": "新密码", "At least 10 characters; leave empty to keep the current one.": "至少 10 个字符；留空则不修改。",
    "Add a staff member": "新增工作人员", "Edit": "编辑", "Mark all as read": "全部标为已读",
})

# Rule problems with fixed texts (collected by the Problem keyword), shown on pages in Chinese; rule ids kept.
ZH.update({
    "must be 0 or more working days (CASE-5)": "应为 0 个或以上工作日（CASE-5）",
    "a request id of 1 to 80 characters is required": "需要 1 至 80 个字符的请求编号",
    "no extension request to decide": "没有待决定的延期申请",
    "a package holds the cases it handles": "代办包应包含其办理的办件",
    "cases of another center": "其他中心的办件",
    "the applicant's name is required": "需要申请人姓名",
    "where to help: an address or a place (CASE-9)": "帮办地点：地址或场所（CASE-9）",
    "the elderly group is checked from the ID number (60 or over)": "老年人群体依据身份证号核验（60 周岁及以上）",
    "this request is closed": "该申请已办结",
    "kind is home_visit, on_site, mailing or phone": "方式为上门、现场、邮寄或电话",
    "say what was done": "请说明办理情况",
    "a joint case has two or more items": "联办件须包含两个或以上事项",
    "a joint case spans two or more departments (CASE-8)": "联办件须涉及两个或以上部门（CASE-8）",
    "at least one fixed pickup time a day (CASE-10)": "每天至少一个固定取件时间（CASE-10）",
    "the courier is active staff of this center": "传递员须为本中心在岗人员",
    "name the case files handed over": "请写明移交的办件材料",
    "a hand-over is between two people": "移交须在两人之间进行",
    "no pickup within forty days": "四十天内没有取件安排",
    "cases are handled by staff of this center (SEC-1)": "办件由本中心工作人员办理（SEC-1）",
    "an applicant is a person or an organisation": "申请人为个人或单位",
    "the applicant's name is required (CASE-2)": "需要申请人姓名（CASE-2）",
    "an organisation gives its 18-character unified social credit code": "单位须提供 18 位统一社会信用代码",
    "count is a whole number of 1 or more": "份数为 1 或以上的整数",
    "action is accept or notice": "操作为受理或一次性告知",
    "the materials are complete: accept the case (CASE-2)": "材料齐全：请直接受理（CASE-2）",
    "the ticket is one this clerk called today (Q-5)": "排队号须为本人今天叫号的号码（Q-5）",
    "a notice names what must be supplied (CASE-3)": "告知单须写明需补正的材料（CASE-3）",
    "name the materials received": "请写明收到的材料",
    "a refusal states its reason (CASE-4)": "不予受理须说明理由（CASE-4）",
    "a refusal states its legal basis (CASE-4)": "不予受理须写明法律依据（CASE-4）",
    "a transfer names a person or a department": "转办须指定人员或部门",
    "the case is already with this person": "该办件已在此人手中",
    "name the statutory procedure (hearing, expert review, testing, public notice — CASE-13)":
        "请写明法定程序（听证、专家评审、检验检测、公示——CASE-13）",
    "an extension needs its special reason (CASE-6)": "延期须有特殊理由（CASE-6）",
    "an extension adds 1 or more working days (CASE-6)": "延期至少 1 个工作日（CASE-6）",
    "an extension request is already waiting for its decision": "已有延期申请等待决定",
    "extensions are approved by the center management's leader (CASE-6)": "延期由中心管理机构负责人批准（CASE-6）",
    "this extension has been decided": "该延期申请已有决定",
    "a denial gives its reasons (CASE-4, CASE-7)": "不予许可须说明理由（CASE-4、CASE-7）",
    "the result is collected or mailed": "结果为窗口领取或邮寄送达",
    "a mailed certificate has its tracking number (CASE-7)": "邮寄送达须有邮件单号（CASE-7）",
    "a material needs a name (CASE-1)": "材料须有名称（CASE-1）",
    "copies is a whole number of 1 or more": "份数为 1 或以上的整数",
    "an on-the-spot item (即办件) is promised in 0 working days (CASE-2, CASE-5)": "即办件承诺时限为 0 个工作日（CASE-2、CASE-5）",
    "a device event id of 1 to 60 characters is required": "需要 1 至 60 个字符的设备事件编号",
    "type is clock_in or clock_out": "类型为上班打卡或下班打卡",
    "action is start or end": "操作为开始或结束",
    "a pause ends after it starts": "暂停的结束时间须晚于开始时间",
    "a scenario file is a JSON object": "导入文件须为 JSON 对象",
    "a scenario names its center's code": "导入文件须写明中心编码",
    "workday is true or false": "workday 为 true 或 false",
    "an event is a JSON object": "事件须为 JSON 对象",
    "every event has a string id": "每个事件须有字符串编号",
    "a pause longer than 12 hours is not a pause (NV-5)": "超过 12 小时的不是暂停（NV-5）",
    "this event needs a staff member": "此事件须指定工作人员",
    "a clock event needs its time": "打卡事件须有时间",
    "this event needs a start and an end": "此事件须有开始和结束时间",
    "a pause needs its start": "暂停须有开始时间",
    "the end is before the start": "结束时间早于开始时间",
    "approved is true or false": "approved 为 true 或 false",
    "a handover goes to someone else (NV-3)": "交接须交给他人（NV-3）",
    "this event needs its time and the event it ends": "此事件须有时间及其结束的事件",
    "a clock event entered by the office needs a reason (SEC-2)": "办公室补录打卡须说明理由（SEC-2）",
    "a correction needs a reason (SEC-2)": "更正须说明理由（SEC-2）",
    "an adjudication needs a reason (NV-6, SEC-2)": "裁定须说明理由（NV-6、SEC-2）",
    "a request is for leave or away": "申请为请假或外出",
    "only leave and away are approved": "只有请假和外出需要审批",
    "only leave or away can be ended early": "只有请假或外出可以提前结束",
    "the return falls within the leave (ATT-2)": "销假时间须在假期之内（ATT-2）",
    "this leave has already been ended": "该假期已销假",
    "first inquiries are registered by staff of this center (FIR-1)": "首问登记由本中心工作人员进行（FIR-1）",
    "who asked: a name or an organisation (FIR-3)": "咨询人：姓名或单位名称（FIR-3）",
    "the matter asked about (FIR-3)": "请填写咨询事项（FIR-3）",
    "a material has a name and a count of 1 or more (FIR-3)": "材料须有名称且份数为 1 或以上（FIR-3）",
    "people asked together are staff of this center (FIR-1)": "同时被询问的人须为本中心工作人员（FIR-1）",
    "a matter is not transferred to oneself (FIR-2)": "不能转交给自己（FIR-2）",
    "a matter is transferred to an active member of this center's staff (FIR-2)": "须转交给本中心在岗工作人员（FIR-2）",
    "the window is not in this center": "该窗口不属于本中心",
    "the service item is not this center's": "该服务事项不属于本中心",
    "the one-time notice comes from whoever handles the matter; a transferred matter is noticed by its receiver (FIR-2)":
        "一次性告知由办理人出具；转办事项由承办人告知（FIR-2）",
    "a transferred matter is closed by the person it was passed to, or by the staff of the window it was passed to":
        "转办事项由承办人或承办窗口的工作人员办结",
    "a matter sent back is closed by its first-responsible person": "退回的事项由首问责任人办结",
    "this matter is already settled": "该事项已办结",
    "a matter is closed with its outcome (FIR-4)": "办结须写明结果（FIR-4）",
    "only a transferred matter can be sent back": "只有转办事项可以退回",
    "a matter is sent back by whoever it was passed to (FIR-4)": "只有承办人可以退回（FIR-4）",
    "a transferred matter is not returned without a reason (FIR-4)": "退回转办事项须说明理由（FIR-4）",
    "the first-responsible person passes on a matter that was sent back": "退回的事项由首问责任人重新转交",
    "name the person or window it goes to (FIR-2)": "请指定承办人员或窗口（FIR-2）",
    "an active member of this center's staff other than oneself (FIR-2)": "须为本人以外的本中心在岗工作人员（FIR-2）",
    "the case is not this center's": "该办件不属于本中心",
    "this inquiry already carries on as another case": "该咨询已转为其他办件",
    "a complaint states its matter (CMP-3)": "投诉须写明投诉内容（CMP-3）",
    "at most 5,000 characters": "不超过 5000 字",
    "a registered complaint names the department, window or person it is about (CMP-3)":
        "受理的投诉须指明被投诉的部门、窗口或人员（CMP-3）",
    "say why (CMP-3): the explanation given, or why it is invalid": "请说明理由（CMP-3）：所作的解释，或不予受理的原因",
    "register, withdrawn or invalid (CMP-3)": "受理、解释后撤回或不予受理（CMP-3）",
    "a complaint withdrawn after an explanation is fed back to the window that explained (CMP-3): name it":
        "经解释后撤回的投诉要反馈给作出解释的窗口（CMP-3）：请选择该窗口",
    "a supervision order has a deadline of 1 to 60 working days and an instruction (CMP-4)":
        "督办须有 1 至 60 个工作日的期限和督办要求（CMP-4）",
    "name the department of this center that answers (CMP-4)": "请选择本中心负责答复的部门（CMP-4）",
    "a written result, and the rectification when it is upheld (CMP-4)": "须有书面处理结果，投诉属实的还须有整改情况（CMP-4）",
    "a complaint is not closed without its answer (CMP-4)": "投诉须答复后才能办结（CMP-4）",
    "administrative efficiency accountability is derived from two violations in a year (CMP-5), not entered":
        "行政效能责任追究由一年内两次违规推算得出，不能手工录入（CMP-5）",
    "the person is not on this center's staff": "此人不是本中心工作人员",
    "one violation: a complaint or a first inquiry, not both": "一次违规只能来自一件投诉或一次首问，不能同时",
    "the complaint or inquiry is not this center's": "该投诉或首问不属于本中心",
    "a center needs a code": "中心须有编码", "a center needs a name": "中心须有名称", "unknown setting": "未知的设置项",
    "a percentage of the limit, 1 to 100 (CASE-11)": "时限的百分比，1 至 100（CASE-11）",
    "a whole number from 0 to 32767": "0 至 32767 之间的整数",
    "1 to 30 working days (FIR-4)": "1 至 30 个工作日（FIR-4）",
    "calendar or rolling (NV-8)": "自然年月或滚动计算（NV-8）",
    "opening sessions are a list of [start, end] pairs (ATT-1)": "办公时段为 [开始, 结束] 的列表（ATT-1）",
    "a session ends after it starts (ATT-1)": "时段的结束须晚于开始（ATT-1）",
    "sessions are in order and do not overlap (ATT-1)": "时段须按顺序且互不重叠（ATT-1）",
    "a department needs a code and a name": "部门须有编码和名称",
    "an account needs a user name (SEC-1)": "账号须有用户名（SEC-1）",
    "a device request id of 1 to 60 characters is required": "需要 1 至 60 个字符的设备请求编号",
    "unknown window or staff": "未知的窗口或人员", "no window serves this item": "没有窗口办理此事项",
    "a slot ends after it starts": "时段的结束须晚于开始", "at least one place": "至少一个名额",
    "this slot is over": "该时段已过", "this slot is fully booked": "该时段已约满", "no booking with this code": "没有此预约码的预约",
    "calls are made by a clerk of this center (SEC-1)": "叫号须由本中心窗口人员进行（SEC-1）",
    "a rating is one of the five levels, 1 to 5 (EVAL-1)": "评价为五个等级之一，1 至 5（EVAL-1）",
    "this bad rating has been closed": "该差评已办结",
    "a rating that holds needs its rectification (EVAL-2)": "差评属实的须有整改情况（EVAL-2）",
    "the rater is answered before the follow-up visit is recorded (EVAL-2)": "须先答复评价人，再登记回访（EVAL-2）",
})

# Rule problems with values in them (Problem.of): the fixed text translated, the values kept.
ZH.update({
    "%(agent_name)s is not an assisted-service agent (帮办代办, CASE-8)": "%(agent_name)s 不是帮办代办人员（CASE-8）",
    "group is one of %(assistgroup)s (CASE-9)": "群体为以下之一：%(assistgroup)s（CASE-9）",
    "%(exc)s (SEC-3)": "%(exc)s（SEC-3）",
    "a post needs an A (ORG-3)": "岗位须有 A 岗（ORG-3）", "a post needs a B (ORG-3)": "岗位须有 B 岗（ORG-3）",
    "A and B must be two different people, both are %(staff)s (ORG-3)": "A 岗和 B 岗须为两个不同的人，现在都是 %(staff)s（ORG-3）",
    "B %(staff)s is not qualified for items %(items)s (ORG-4)": "B 岗 %(staff)s 不具备以下事项的办理资格：%(items)s（ORG-4）",
    "%(number_today)s years old: the elderly group is 60 or over (CASE-9)": "%(number_today)s 周岁：老年人群体为 60 周岁及以上（CASE-9）",
    "unknown service items %(unknown)s": "未知的服务事项：%(unknown)s",
    "%(t)s is not a time (HH:MM)": "%(t)s 不是有效时间（HH:MM）",
    "%(c_number)s is not a case of this center": "%(c_number)s 不是本中心的办件",
    "%(exc)s": "%(exc)s",
    "%(name)s is not on the list of %(item_code)s (CASE-2)": "%(name)s 不在 %(item_code)s 的材料清单上（CASE-2）",
    "form is one of %(forms)s": "形式为以下之一：%(forms)s",
    "unknown service item %(item_code)s": "未知的服务事项 %(item_code)s",
    "%(name)s is not on the list of %(item_code)s (CASE-3)": "%(name)s 不在 %(item_code)s 的材料清单上（CASE-3）",
    "materials are incomplete or not in legal form: %(missing)s; issue the one-time notice (CASE-3)":
        "材料不齐全或不符合法定形式：%(missing)s；请出具一次性告知单（CASE-3）",
    "the first notice did not ask for %(new)s: a second notice asking for more breaks the one-time rule (CASE-3); confirm to issue it anyway":
        "首次告知未要求 %(new)s：再次告知要求补充新材料违反一次性告知规定（CASE-3）；确需出具请确认",
    "%(what)s is not possible while the case is %(status_label)s (step out of order)": "办件处于“%(status_label)s”状态，不能进行此操作（%(what)s，顺序不符）",
    "%(k)s is not on the list of %(item_code)s (CASE-3)": "%(k)s 不在 %(item_code)s 的材料清单上（CASE-3）",
    "the case was due on %(date_isoformat)s: an extension is registered before the due date (CASE-6)":
        "办件已于 %(date_isoformat)s 到期：延期须在到期前申请（CASE-6）",
    "the case was due on %(date_isoformat)s: too late to extend (CASE-6)": "办件已于 %(date_isoformat)s 到期：已不能延期（CASE-6）",
    "unknown keys %(sorted)s": "未知的字段：%(sorted)s",
    "%(name)s is listed twice (CASE-1)": "%(name)s 重复列出（CASE-1）",
    "form is one of %(materialform)s": "形式为以下之一：%(materialform)s",
    "%(value)s is not a number of working days (CASE-5)": "%(value)s 不是有效的工作日数（CASE-5）",
    "promised %(promised_days)s working days exceeds the statutory %(statutory_days)s (CASE-1)":
        "承诺时限 %(promised_days)s 个工作日超过法定时限 %(statutory_days)s 个工作日（CASE-1）",
    "unknown staff %(or_obj)s": "未知的工作人员 %(or_obj)s",
    "unknown event type %(etype)s": "未知的事件类型 %(etype)s",
    "%(value)s is not a date-time with its UTC offset": "%(value)s 不是带时区的日期时间",
    "away is one of %(awaykind)s, not %(kind)s": "外出类型为以下之一：%(awaykind)s，而不是 %(kind)s",
    "unknown post %(ref)s": "未知的岗位 %(ref)s",
    "%(frm_code)s is not A of %(post_code)s: a handover is a duty of A (NV-3)": "%(frm_code)s 不是 %(post_code)s 的 A 岗：交接是 A 岗的职责（NV-3）",
    "%(day)s is not a date": "%(day)s 不是有效日期",
    "unknown window %(ref)s": "未知的窗口 %(ref)s",
    "%(staff_code)s is not qualified for %(missing)s: a stand-in must be qualified as B is (NV-7, ORG-4)":
        "%(staff_code)s 不具备 %(missing)s 的办理资格：顶岗人员须与 B 岗一样具备资格（NV-7、ORG-4）",
    "no working-day calendar for year %(value_year)s (CASE-5)": "没有 %(value_year)s 年的工作日历（CASE-5）",
    "no working-day calendar for year %(date_year)s (CASE-5)": "没有 %(date_year)s 年的工作日历（CASE-5）",
    "no working-day calendar for year %(day_year)s (CASE-5)": "没有 %(day_year)s 年的工作日历（CASE-5）",
    "event %(ext_id)s exists with other content: events are never edited, a correction is a new event":
        "事件 %(ext_id)s 已存在且内容不同：事件不能修改，更正须作为新事件登记",
    "event %(ext_id)s is already voided": "事件 %(ext_id)s 已作废",
    "level is one of %(approval)s": "审批层级为以下之一：%(approval)s",
    "%(level)s has already decided this request": "%(level)s 已对该申请作出决定",
    "post %(post_code)s would be empty on %(date_isoformat)s for %(g_minutes)s minutes; candidates: %(c)s (NV-10)":
        "岗位 %(post_code)s 在 %(date_isoformat)s 将有 %(g_minutes)s 分钟无人在岗；可顶岗人员：%(c)s（NV-10）",
    "the files together are larger than %(mb)s MB; at most %(max_files)s files of %(mb_each)s MB each":
        "文件总大小超过 %(mb)s MB；最多 %(max_files)s 个文件，每个不超过 %(mb_each)s MB",
    "at most %(max_files)s files": "最多 %(max_files)s 个文件",
    "%(f_name)s: larger than %(mb)s MB": "%(f_name)s：超过 %(mb)s MB",
    "%(f_name)s: the file is empty": "%(f_name)s：文件为空",
    "%(f_name)s: not a readable JPEG, PNG or PDF file": "%(f_name)s：不是可读取的 JPEG、PNG 或 PDF 文件",
    "channel is one of %(channel)s (FIR-1)": "渠道为以下之一：%(channel)s（FIR-1）",
    "channel is one of %(channel)s (CMP-1)": "渠道为以下之一：%(channel)s（CMP-1）",
    "ground is one of %(ground)s (CMP-2)": "投诉事由为以下之一：%(ground)s（CMP-2）",
    "%(what)s is not possible while the complaint is %(status_label)s": "投诉处于“%(status_label)s”状态，不能进行此操作（%(what)s）",
    "outcome is one of %(outcome)s (CMP-5)": "处理结果为以下之一：%(outcome)s（CMP-5）",
    "%(pair)s is not a pair of HH:MM times (ATT-1)": "%(pair)s 不是一对 HH:MM 时间（ATT-1）",
    "unknown center %(code)s": "未知的中心 %(code)s",
    "unknown department %(department)s": "未知的部门 %(department)s",
    "%(what)s needs a code": "%(what)s须有编码", "%(what)s needs a name": "%(what)s须有名称",
    "unknown department %(code)s": "未知的部门 %(code)s",
    "unknown role %(r)s; roles are %(role)s (ORG-2)": "未知的角色 %(r)s；角色为：%(role)s（ORG-2）",
    "%(existing)s is B of post %(post_code)s, which needs %(missing)s; assign another B first (ORG-4)":
        "%(existing)s 是岗位 %(post_code)s 的 B 岗，该岗位需要 %(missing)s 的办理资格；请先另行指定 B 岗（ORG-4）",
    "%(username)s belongs to someone else: no shared accounts (SEC-1)": "%(username)s 已属于他人：不得共用账号（SEC-1）",
    "unknown window %(window)s": "未知的窗口 %(window)s",
    "unknown staff %(ref)s": "未知的工作人员 %(ref)s",
    "%(staff_ref)s is not active staff (ORG-3)": "%(staff_ref)s 不是在岗工作人员（ORG-3）",
    "%(day_isoformat)s: no calendar for year %(day_year)s; enter that year's arrangement first (CASE-5)":
        "%(day_isoformat)s：没有 %(day_year)s 年的日历；请先录入该年的节假日安排（CASE-5）",
    "%(d_isoformat)s is not in %(year)s": "%(d_isoformat)s 不在 %(year)s 年内",
    "%(year)s is not a plausible year": "%(year)s 不是合理的年份",
    "%(d_isoformat)s is listed both as a day off and a working day": "%(d_isoformat)s 同时被列为休息日和工作日",
    "%(day_isoformat)s is not a working day: open it as an extended session (ATT-4)": "%(day_isoformat)s 不是工作日：请作为延时服务开放（ATT-4）",
    "the booking is for %(slot_date)s %(slot_start)s-%(slot_end)s; check in from 15 minutes before (Q-3)":
        "预约时段为 %(slot_date)s %(slot_start)s-%(slot_end)s；可提前 15 分钟签到（Q-3）",
    "no window serves %(item_name)s (Q-1)": "没有窗口办理 %(item_name)s（Q-1）",
    "green channel groups are %(priority)s (Q-2)": "绿色通道对象为：%(priority)s（Q-2）",
    "%(window_name)s is closed now: not within the opening hours of a working day (ATT-1)":
        "%(window_name)s 现在不办公：不在工作日的办公时间内（ATT-1）",
    "nobody is waiting for %(window_name)s": "%(window_name)s 没有人在等候",
    "ticket %(ticket_display)s is %(status_label)s: %(action)s is not possible (step out of order)":
        "%(ticket_display)s 号处于“%(status_label)s”状态，不能%(action)s（顺序不符）",
    "%(window_name)s does not serve %(item_name)s": "%(window_name)s 不办理 %(item_name)s",
    "%(ticket_display)s has no finished service to rate (EVAL-1)": "%(ticket_display)s 号没有已完成的服务可评价（EVAL-1）",
    "%(ticket_display)s is already rated: one service, one rating (Q-4)": "%(ticket_display)s 号已评价：一事一评（Q-4）",
})


ZH.update({
    "This form was already sent; it was recorded once.": "此表单已提交过，只记录了一次。",
    "token": "令牌", "sent at": "提交时间", "form submission": "表单提交记录", "form submissions": "表单提交记录",
})  # form tokens (issue 10 item 8)


ZH.update({
    "Phones and ID numbers are shown in full only where your role covers the person; masked elsewhere (SEC-3).":
        "仅对职责范围涵盖该人员的用户显示完整的手机号和身份证号，其余一律脱敏显示（SEC-3）。",
    "60 or over": "60周岁及以上",
    "ID number (optional: 60 and over join the green channel; only the age is checked, the number is not kept)":
        "身份证号（选填：60周岁及以上进入绿色通道；仅核验年龄，不保存号码）",
})  # personal data (SEC-3)


ZH.update({  # accounts and audit (SEC-6, SEC-7)
    "Accounts": "账户", "Action": "操作", "Actor": "操作人", "Client address": "访问地址（IP）",
    "client address": "访问地址（IP）", "After": "修改后", "Before": "修改前", "Hash": "哈希值", "Object": "对象",
    "Object id": "对象编号", "Object type": "对象类型",
    "Change your password first.": "请先修改密码。",
    "Code from your authenticator": "身份验证器上的动态码",
    "Confirm your second factor first.": "请先完成第二重身份验证。",
    "Do not reuse one of your last %(n)d passwords.": "不要使用最近 %(n)d 次用过的密码。",
    "Only the audit administrator reads the audit trail.": "只有审计管理员可以查看操作审计记录。",
    "The code is not right; try the current one.": "动态码不正确，请输入当前显示的动态码。",
    "The password must not be one of your last %(n)d passwords.": "新密码不能与最近 %(n)d 次用过的密码相同。",
    "The password must use at least %(n)d of these: lower-case letters, upper-case letters, digits, other characters.":
        "密码须至少包含小写字母、大写字母、数字、其他字符中的 %(n)d 类。",
    "This value contains a character that is not allowed.": "此值含有不允许的字符。",
    "Use at least %(n)d of these: lower-case letters, upper-case letters, digits, other characters.":
        "至少包含小写字母、大写字母、数字、其他字符中的 %(n)d 类。",
    "You were logged out after %(n)d minutes without activity.": "您已 %(n)d 分钟无操作，已自动退出登录。",
    "Your account is no longer active.": "您的账户已停用。",
    "Your password is older than %(n)d days: choose a new one before you go on.":
        "您的密码已使用超过 %(n)d 天，请先设置新密码再继续。",
    "Your password was set by an administrator: choose your own before you go on.":
        "您的密码由管理员设置，请先修改为您自己的密码再继续。",
    "Your session ended after %(n)d hours; please log in again.": "登录已超过 %(n)d 小时，请重新登录。",
    "account state": "账户安全状态", "account states": "账户安全状态", "audit chain head": "审计链头",
    "hash": "哈希值", "login session": "登录会话", "login sessions": "登录会话",
    "must change password": "须修改密码", "old password": "历史密码", "old passwords": "历史密码",
    "password changed at": "密码修改时间", "password hash": "密码哈希", "previous record's hash": "前一条记录的哈希值",
    "set at": "设置时间",
    "After %(failures)s failed logins within %(window)s minutes this account is locked for %(minutes)s minutes.":
        "%(window)s 分钟内登录失败 %(failures)s 次，此账户已锁定 %(minutes)s 分钟。",
    "Page %(n)s of %(total)s (%(records)s records)": "第 %(n)s 页，共 %(total)s 页（%(records)s 条记录）",
    "Account locked": "账户已锁定",
    "At least 10 characters, with at least 3 of: lower-case letters, upper-case letters, digits, other characters; not one of your last 5 passwords (SEC-6).":
        "至少 10 个字符，至少包含小写字母、大写字母、数字、其他字符中的 3 类；不能与最近 5 次用过的密码相同（SEC-6）。",
    "Change password": "修改密码", "Confirm": "确认", "Current password": "当前密码", "Export (xlsx)": "导出（xlsx）",
    "New password": "新密码", "New password again": "再次输入新密码", "Next": "下一页", "Previous": "上一页",
    "No records match.": "没有符合条件的记录。", "Password changed": "密码已修改",
    "Read-only: nobody can change or remove these records (SEC-7).": "只读：任何人都不能修改或删除这些记录（SEC-7）。",
    "Second factor": "第二重身份验证",
    "Try again later, or ask the security administrator to unlock it (SEC-6).": "请稍后再试，或请安全管理员解锁（SEC-6）。",
    "Your center requires a second factor for administrators, and none is set up for you: ask the security administrator to enrol your authenticator.":
        "本中心要求管理员使用第二重身份验证，但您尚未绑定身份验证器：请安全管理员为您绑定。",
    "Your new password is in force.": "新密码已生效。",
})


ZH.update({  # bad input (issue 10 item 7)
    "month": "月份",
    "Enter a date in the years %(first)s to %(last)s.": "请输入 %(first)s 年至 %(last)s 年之间的日期。",
    "%(field)s: “%(value)s” is not accepted (%(reason)s); showing %(default)s instead.":
        "%(field)s：“%(value)s”无效（%(reason)s），现显示 %(default)s。",
    "The address contains a NUL character.": "网址中含有空字符（NUL），无法处理。",
    "%(field)s: NUL characters are not allowed.": "%(field)s：不能包含空字符（NUL）。",
    "%(field)s: at most %(limit)s characters (%(length)s given).":
        "%(field)s：最多 %(limit)s 个字符（现有 %(length)s 个）。",
    "choose the department to supervise": "请选择督办的部门",
    "Input not accepted": "输入有误", "This input is not accepted": "输入的内容不能接受",
    "Nothing was changed. Go back, correct the field and send it again.": "未作任何更改。请返回修改该项后重新提交。",
    "Back to the form": "返回修改",
    "There is no working-day calendar for %(year)s yet: the center office enters that year's holiday arrangement "
    "first (CASE-5).": "尚无 %(year)s 年的工作日历：请中心管理办公室先录入该年的放假安排（CASE-5）。",
})


ZH.update({  # SEC-5 permissions, refusal pages
    # The refusal: "您无权" + what is not allowed, so each action reads as a verb phrase after 无权.
    "You may not %(what)s.": "您无权%(what)s。",
    "You may not open this page.": "您无权打开此页面。",
    "change the org chart": "修改组织架构", "change the service catalog": "修改事项目录",
    "change the center's settings": "修改中心设置", "enter the calendar": "录入工作日历",
    "register devices": "登记设备", "manage accounts, roles and passwords": "管理账号、角色和密码",
    "read the audit trail": "查阅审计日志", "enter clock events": "录入打卡记录", "post clock events": "上传打卡记录",
    "adjudicate the duty record": "裁定在岗记录", "request leave for this person": "为此人申请请假",
    "approve this leave": "审批此请假", "file this leave at the center office": "在中心管理办公室备案此请假",
    "end this leave": "为此请假销假", "file a handover for this post": "为此岗位办理交接",
    "pause this window": "暂停此窗口", "read this duty record": "查看此在岗记录",
    "receive cases of this department": "受理该部门的办件", "receive joint cases": "受理联办件",
    "handle this case": "办理此办件", "decide this case": "审批此办件", "decide extensions": "审批延期",
    "read this case": "查看此办件", "handle assisted service": "办理帮办代办",
    "log this department's courier hand-over": "登记该部门的取送件交接", "set courier schedules": "设置取送件时间",
    "issue tickets": "发放排队号", "call and serve at this window": "在此窗口叫号办理",
    "rate this service": "评价此次服务", "check in a booking": "办理预约签到",
    "handle this poor rating": "处理此差评", "open booking slots": "开放预约时段",
    "read the queue statistics": "查看排队统计", "register first inquiries": "登记首问",
    "settle this inquiry": "办理此首问", "handle complaints": "处理投诉", "answer this complaint": "答复此投诉",
    "read this complaint": "查看此投诉", "record accountability": "记录问责",
    "read this person's record": "查看此人的个人记录", "read personal data": "查看个人信息",
    "Only active staff of this center may do this (SEC-1).": "只有本中心在职的工作人员才能进行此操作（SEC-1）。",
    "This device has been retired.": "此设备已停用。",
    "This device's kind may not do this (SEC-5).": "此类设备不能进行此操作（SEC-5）。",
    "This device belongs to another center (SEC-5).": "此设备属于其他中心（SEC-5）。",
    "This device belongs to another window (SEC-5).": "此设备属于其他窗口（SEC-5）。",
    # Roles (ORG-2, SEC-6 三员分立) and device kinds (SEC-5)
    "County office": "县级（市级）管理办公室", "System administrator": "系统管理员",
    "Security administrator": "安全管理员", "Audit administrator": "审计管理员",
    "Clock terminal": "考勤机", "Kiosk": "自助取号机", "Hardware caller": "硬件呼叫器", "Rating pad": "评价器",
    "Window workstation": "窗口工作站",
    "under": "上级中心",
    "clock events accepted from an offline terminal (hours back)": "离线考勤机补传打卡的时限（小时）",
    # Services' refusals
    "No such center.": "没有这个中心。",
    "A new center is set up by the installation's operator.": "新中心由系统的运维人员设立。",
    "the administrator duties %(combined)s cannot be held by one person (SEC-6 三员分立)":
        "管理员职责 %(combined)s 不能由同一人兼任（SEC-6 三员分立）",
    "%(username)s is taken: choose another user name (SEC-1)": "%(username)s 已被占用：请另选用户名（SEC-1）",
    "superusers are not managed from pages (SEC-6)": "超级用户不在页面上管理（SEC-6）",
    "a clock event cannot be in the future (SEC-5)": "打卡时间不能晚于当前时间（SEC-5）",
    "a terminal's clock event older than %(hours)s hours is refused: the office enters it with a reason (SEC-5)":
        "考勤机补传超过 %(hours)s 小时的打卡记录不予接受：由中心管理办公室注明理由后录入（SEC-5）",
    "a device code of 1 to 30 characters is required": "设备编号须为 1 至 30 个字符",
    "kind is one of %(kinds)s (SEC-5)": "设备类型须为 %(kinds)s 之一（SEC-5）",
    "a caller, rating pad or workstation is bound to its window (SEC-5)": "硬件呼叫器、评价器和窗口工作站须绑定窗口（SEC-5）",
    "the window is one of this center's (SEC-5)": "窗口须为本中心的窗口（SEC-5）",
    "the department is one of this center's": "部门须为本中心的部门",
    # The refusal and not-found pages, the center switcher, the workbench
    "Not allowed": "无权操作", "This is not allowed": "无权操作",
    "Nothing was changed. If you think you should be able to do this, ask your center's security administrator "
    "to check your roles.": "未作任何更改。如您认为应当有此权限，请联系本中心的安全管理员核对您的岗位角色。",
    "You are logged in as %(name)s, %(department)s": "当前登录：%(name)s，%(department)s",
    "Back to the previous page": "返回上一页", "Back to the workbench": "返回工作台",
    "Back to the home page": "返回首页", "Not found": "页面不存在", "This page was not found": "未找到此页面",
    "The address may be mistyped, or the record is not one you may see.": "网址可能有误，或该记录不在您的查看范围内。",
    "Center": "中心", "Switch": "切换",
    "Who did what, when and from where; filters and xlsx": "谁在何时、何处做了什么；可筛选，可导出 xlsx",
    "The staff record and qualifications are kept by the system administrator; you change roles, activation and "
    "the account (SEC-6).": "人员信息和资质由系统管理员维护；您可修改角色、启用状态和账号（SEC-6）。",
    "Roles, activation and the account are given by the security administrator (SEC-6).":
        "角色、启用状态和账号由安全管理员设置（SEC-6）。",
})


def main() -> int:
    import polib

    path = Path(__file__).resolve().parent.parent / "src/servicehall/locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in list(po):
        zh = ZH.get(entry.msgid)
        if zh is None and ("{" in entry.msgid or entry.msgid.endswith(" ")):
            # An f-string (or a piece of one) picked up by the Problem keyword: its text is only known at run
            # time, so it cannot be looked up; pages show it as written.
            po.remove(entry)
            continue
        if zh is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: zh}
        else:
            entry.msgstr = zh
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    for m in missing:
        print(f"untranslated: {m!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
