<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>About Booth Console…</source>
        <translation>关于岗亭收费台…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Booth Console {version}</source>
        <translation>岗亭收费台 {version}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Python {py}, PySide6 {pyside}, Qt {qt}</source>
        <translation>Python {py}，PySide6 {pyside}，Qt {qt}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Platform: {platform}</source>
        <translation>平台：{platform}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Data directory: {path}</source>
        <translation>数据目录：{path}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Configuration: {path}</source>
        <translation>配置文件：{path}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>Frozen build: {frozen}</source>
        <translation>打包版本：{frozen}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/about.py"/>
        <source>About Booth Console</source>
        <translation>关于岗亭收费台</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{action}: supervisor approval</source>
        <translation>{action}：主管批准</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
</context>
<context>
    <name>BoothService</name>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>Cannot read the lanes from the parking server: {error}. Retrying…</source>
        <translation>无法从停车场服务器读取车道：{error}。正在重试…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>Lanes not found on the parking server: {lanes}</source>
        <translation>停车场服务器上找不到这些车道：{lanes}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>The parking server answers again.</source>
        <translation>停车场服务器已恢复响应。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>The parking server does not answer ({error}). Retrying by itself.</source>
        <translation>停车场服务器无响应（{error}），正在自动重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>The parking server answers with errors ({error}).</source>
        <translation>停车场服务器返回错误（{error}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>No callbacks for {n} min while lanes are busy: the parking server may have lost the callback table or cannot reach this console.</source>
        <translation>车道有车辆通行，但已 {n} 分钟未收到回调：停车场服务器可能丢失了回调设置，或无法连接本机。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/booth.py"/>
        <source>Lane settings changed on the parking server.</source>
        <translation>停车场服务器上的车道设置已更改。</translation>
    </message>
</context>
<context>
    <name>BoothWindow</name>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Booth Console</source>
        <translation>岗亭收费台</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>On duty: {name}</source>
        <translation>当班：{name}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定（Ctrl+L）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Sign off</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Operators…</source>
        <translation>操作员…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Parking server</source>
        <translation>停车场服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Callback listener</source>
        <translation>回调接收服务</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Lanes</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Lane</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Barrier</source>
        <translation>道闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Loop</source>
        <translation>地感</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Due</source>
        <translation>应收</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Waiting (Enter: go to the lane)</source>
        <translation>等待处理（回车：转到该车道）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Fee</source>
        <translation>费用</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Waiting since</source>
        <translation>等待开始</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Unexplained openings (Ctrl+U; Enter: give the reason)</source>
        <translation>无法解释的抬杆（Ctrl+U；Enter：填写原因）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>What</source>
        <translation>情况</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>no capture</source>
        <translation>无抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Free spaces</source>
        <translation>空余车位</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Free / total</source>
        <translation>空余 / 总数</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Payments waiting for the server</source>
        <translation>等待服务器确认的支付</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Settle review…</source>
        <translation>处理复核…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Close the selected offline payment that needs review, without sending it</source>
        <translation>结清所选需要复核的离线支付，不发送给服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Live feed</source>
        <translation>实时动态</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Arrange lanes (Ctrl+Shift+A)</source>
        <translation>排列车道窗口（Ctrl+Shift+A）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>History (Ctrl+M)</source>
        <translation>消息记录（Ctrl+M）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Shift (Ctrl+Shift+F12)</source>
        <translation>班次（Ctrl+Shift+F12）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>On duty: nobody signed on</source>
        <translation>值班：无人登录</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>On duty: {name} (acting: {acting})</source>
        <translation>值班：{name}（当前操作：{acting}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Entry</source>
        <translation>入口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Exit</source>
        <translation>出口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>charging</source>
        <translation>收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Open</source>
        <translation>已开</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Closed</source>
        <translation>已关</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>KEEP OPEN</source>
        <translation>常开</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Vehicle</source>
        <translation>有车</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Empty</source>
        <translation>无车</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>no plate read</source>
        <translation>未识别车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>no order</source>
        <translation>无订单</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>No answer for {n} s</source>
        <translation>已 {n} 秒无响应</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Message history — booth</source>
        <translation>消息记录 — 岗亭</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Barrier opened, not by this booth</source>
        <translation>道闸被抬起，非本岗亭操作</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Left without paying, not released by this booth</source>
        <translation>未缴费离场，非本岗亭放行</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>no plate</source>
        <translation>无车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>The reason was not recorded: {error}</source>
        <translation>原因未能记录：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Opened from the parking software's own booth program</source>
        <translation>由停车场软件自带的岗亭程序抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Opened by the supervisor or security</source>
        <translation>由主管或保安抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Emergency or official vehicle</source>
        <translation>紧急或公务车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Equipment fault or maintenance test</source>
        <translation>设备故障或维护测试</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Paid another way</source>
        <translation>已通过其他方式缴费</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Other (say why)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>At {at}: {what}. Nothing this booth did explains it (no opening, payment or free release). Say why: it is recorded with your name.</source>
        <translation>{at}：{what}。本岗亭没有任何操作（抬杆、收费或免费放行）可以解释此事。请说明原因：将与您的姓名一起记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Unexplained opening</source>
        <translation>无法解释的抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Record the reason</source>
        <translation>记录原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Opening at {lane} ({at}) explained: {why}</source>
        <translation>{lane}（{at}）的抬杆已说明：{why}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>The lanes' states may be out of date.</source>
        <translation>各车道状态可能已过时。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>FAILING · {error}</source>
        <translation>故障 · {error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>OFFLINE · last seen {t}</source>
        <translation>离线 · 最后响应 {t}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>No callbacks for {n} min while lanes are busy</source>
        <translation>车道繁忙但 {n} 分钟未收到回调</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>registered with the server</source>
        <translation>已向服务器注册</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>not registered</source>
        <translation>未注册</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Callbacks: {n} received, {r} rejected, last at {t} · {reg}</source>
        <translation>回调：已接收 {n} 条，拒绝 {r} 条，最近一条 {t} · {reg}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Payment</source>
        <translation>支付</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>{pno} · lane {lane} · order {order} · ¥{amount}</source>
        <translation>{pno} · 车道 {lane} · 订单 {order} · ¥{amount}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>NEEDS REVIEW (not sent): {why}</source>
        <translation>需要复核（未发送）：{why}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>offline, pending</source>
        <translation>离线，待发送</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>offline, checked: sending</source>
        <translation>离线，已核对：发送中</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Lane {no}: </source>
        <translation>车道 {no}：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Offline payment {pno} (order {order}) was not sent: {why}. Settle the difference with the driver or the supervisor, then say how.</source>
        <translation>离线支付 {pno}（订单 {order}）未发送：{why}。请与车主或主管结清差额，然后填写处理方式。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Offline payment {pno} settled: {note}</source>
        <translation>离线支付 {pno} 已结清：{note}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/booth_window.py"/>
        <source>Quit Booth Console?</source>
        <translation>确定退出岗亭收费台吗？</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>“{text}” is not an amount.</source>
        <translation>“{text}”不是有效金额。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>The amount must be zero or more.</source>
        <translation>金额不能小于零。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Amounts have at most two decimals (fen).</source>
        <translation>金额最多保留两位小数（分）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>The console is locked: sign on first.</source>
        <translation>控制台已锁定：请先登录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Not done: {action} needs a supervisor's approval.</source>
        <translation>未执行：{action}需要主管批准。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>The parking server refused: {msg} (code {code})</source>
        <translation>停车场服务器拒绝：{msg}（代码 {code}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>No answer from the parking server ({error}). The command was not repeated: check the barrier and try again.</source>
        <translation>停车场服务器无响应（{error}）。指令不会自动重发：请检查道闸后重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>No answer from the parking server ({error}).</source>
        <translation>停车场服务器无响应（{error}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Still working on the previous request…</source>
        <translation>上一个请求仍在处理中…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Waiting for confirmation</source>
        <translation>等待确认</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/base.py"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/copy_plate.py"/>
        <source>There is no plate at this lane to copy.</source>
        <translation>此车道没有可复制的车牌。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/copy_plate.py"/>
        <source>Plate {plate} copied to the clipboard.</source>
        <translation>车牌 {plate} 已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/copy_plate.py"/>
        <source>Copy plate</source>
        <translation>复制车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>There is no order at this lane to change.</source>
        <translation>本车道没有可修改的订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>A reason is required for a fee override.</source>
        <translation>修改金额必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>The amount must be zero or more, with at most two decimals.</source>
        <translation>金额不能小于零，且最多两位小数。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>The new fee must be less than the fee shown (¥{fee}).</source>
        <translation>新金额必须低于当前显示的金额（¥{fee}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Customer complaint: fee disputed</source>
        <translation>客户投诉：对收费有异议</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Equipment fault: barrier or camera</source>
        <translation>设备故障：道闸或相机</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Grace period: short stay</source>
        <translation>免费时段：短时停留</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Approved by the supervisor</source>
        <translation>主管批准</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>No order at this lane.</source>
        <translation>本车道没有订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Fee override</source>
        <translation>改价</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Lowering the fee from {old} to {new}.</source>
        <translation>将费用从 {old} 降至 {new}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Changing the fee…</source>
        <translation>正在修改金额…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Fee lowered to {new}.</source>
        <translation>金额已改为 {new}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>The fee was not changed.</source>
        <translation>金额未修改。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>Lowered from {old} to {new} by {who}: {why} ({at})</source>
        <translation>已由 {who} 从 {old} 降为 {new}：{why}（{at}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/fee.py"/>
        <source>, approved by {name}</source>
        <translation>，由 {name} 批准</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>No entry record found: flat fee</source>
        <translation>查无入场记录：按固定收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Entry camera fault: flat fee</source>
        <translation>入口相机故障：按固定收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Vehicle entered behind another: flat fee</source>
        <translation>跟车入场：按固定收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>No entry record for {plate}: take the flat fee of {fee} in cash. The barrier then opens; the fee, your reason and the exit capture are recorded in the journal.</source>
        <translation>车牌 {plate} 无入场记录：请收取现金固定费用 {fee}。随后道闸抬起；费用、原因和出口抓拍将记入操作日志。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>this vehicle</source>
        <translation>该车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>No entry record: flat fee</source>
        <translation>无入场记录：固定收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>No plate was read at this lane, so the parking server cannot match the vehicle to an entry: type the plate the camera should have read, then pick the entry.</source>
        <translation>本车道未识别到车牌，停车场服务器无法为该车匹配入场记录：请输入相机应识别的车牌，再选择入场记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>The lane shows order {order}: it must be closed first.</source>
        <translation>车道当前显示订单 {order}：须先将其关闭。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>The parking server does not show order {order} at this lane yet (it shows {now}). Refresh (F5) and try again.</source>
        <translation>停车场服务器尚未在本车道显示订单 {order}（当前为 {now}）。请刷新（F5）后重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>No flat fee is configured for vehicles without an entry record ([booth] no_entry_fee).</source>
        <translation>未配置无入场记录车辆的固定收费（[booth] no_entry_fee）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>A reason is required.</source>
        <translation>必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>This lane shows order {order}: charge it with F4.</source>
        <translation>本车道显示订单 {order}：请按 F4 收费。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Opening the barrier…</source>
        <translation>正在开闸…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Flat fee {fee} recorded ({why}); the barrier opens.</source>
        <translation>已记录固定收费 {fee}（{why}），道闸抬起。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Close the exit's order</source>
        <translation>关闭出口订单</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>This lane shows order {order} ({plate}, entered {at}), made or matched by the exit read. Close it, so that this vehicle's order {entry} ({entry_plate}, entered {entry_at}) is charged instead?</source>
        <translation>本车道显示的订单 {order}（{plate}，入场 {at}）由出口识别生成或匹配。是否将其关闭，改为对该车的订单 {entry}（{entry_plate}，入场 {entry_at}）收费？</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Nothing was changed.</source>
        <translation>未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Correcting the order…</source>
        <translation>正在更正订单…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Order {order} ({plate}) is now this lane's: press {pay} to charge it.</source>
        <translation>订单 {order}（{plate}）已成为本车道的订单：按 {pay} 收费。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Find entry</source>
        <translation>查找入场</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Reading the fee…</source>
        <translation>正在读取费用…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Fee read.</source>
        <translation>已读取费用。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Sending the payment…</source>
        <translation>正在发送支付…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Payment confirmed ({pno}).</source>
        <translation>支付已确认（{pno}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/find_entry.py"/>
        <source>Order {order} ({plate}) paid and closed; the barrier opens.</source>
        <translation>订单 {order}（{plate}）已支付并关闭，道闸抬起。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Emergency vehicle</source>
        <translation>紧急车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Equipment fault</source>
        <translation>设备故障</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Complaint resolved</source>
        <translation>投诉已处理</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Staff vehicle</source>
        <translation>员工车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Free release: {why} (by {who})</source>
        <translation>免费放行：{why}（操作员 {who}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>There is no order at this lane to release.</source>
        <translation>此车道没有可放行的订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>A reason is required for a free release.</source>
        <translation>免费放行必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>No order at this lane: nothing to release.</source>
        <translation>此车道没有订单：无需放行。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>The parking server does not answer: a free release needs it. Use the barrier's manual switch and {open}.</source>
        <translation>停车场服务器无响应，免费放行需要服务器。请使用道闸的手动开关，并按 {open}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Free release</source>
        <translation>免费放行</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>{plate} leaves WITHOUT PAYING {fee}. Choose the reason (your own words are optional): the server records it with the order, and the barrier opens.</source>
        <translation>{plate} 将不缴纳 {fee} 直接离场。请选择原因（补充说明可选）：服务器将原因记入订单，道闸随即抬起。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>The vehicle</source>
        <translation>该车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Release free and open</source>
        <translation>免费放行并抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>No free release.</source>
        <translation>未免费放行。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>{plate} leaves without paying {fee} ({why}).</source>
        <translation>{plate} 未缴 {fee} 离场（{why}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Releasing free…</source>
        <translation>正在免费放行…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/free_release.py"/>
        <source>Released free ({why}): the barrier opens. Fee waived: {fee}.</source>
        <translation>已免费放行（{why}）：道闸抬起。免除费用：{fee}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>A vehicle is on the ground loop. Close the barrier anyway?</source>
        <translation>地感上有车辆。仍要落闸吗？</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Cancel keep-open on this lane?</source>
        <translation>取消本车道的道闸常开吗？</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Keep the barrier open for every vehicle on this lane?</source>
        <translation>将本车道道闸设为常开，所有车辆直接通行吗？</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Paid another way (not recorded in this console)</source>
        <translation>已通过其他方式缴费（未在本收费台记录）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Emergency or official vehicle</source>
        <translation>紧急或公务车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Equipment fault: barrier, camera or loop</source>
        <translation>设备故障：道闸、相机或地感</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Other (say why)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>{plate} has {fee} to pay and has NOT paid. Opening the barrier lets it leave without paying: say why (recorded with your name and the capture). To waive the fee use Free release ({free}).</source>
        <translation>{plate} 应缴 {fee}，尚未缴费。抬杆将使其不缴费离场：请说明原因（与您的姓名和抓拍一起记录）。如需免除费用，请使用免费放行（{free}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Say why the barrier is opened (recorded with your name and the capture).</source>
        <translation>请说明抬杆原因（与您的姓名和抓拍一起记录）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Open barrier</source>
        <translation>开闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Open the barrier</source>
        <translation>抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Barrier not opened.</source>
        <translation>未抬杆。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>The barrier opens.</source>
        <translation>道闸已抬起。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Close barrier</source>
        <translation>落闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Barrier not closed.</source>
        <translation>未落闸。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Closing the barrier…</source>
        <translation>正在落闸…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>The barrier closes.</source>
        <translation>道闸已落下。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Keep open</source>
        <translation>常开</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Keeping the barrier open lets every vehicle through without paying.</source>
        <translation>常开道闸会让所有车辆不付费通过。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Keep-open unchanged.</source>
        <translation>常开状态未改变。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Switching keep-open…</source>
        <translation>正在切换常开…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Keep-open switched.</source>
        <translation>常开状态已切换。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Refreshing…</source>
        <translation>正在刷新…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Up to date.</source>
        <translation>已是最新。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/gate.py"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>Could not find an unused virtual plate; try again.</source>
        <translation>未能生成未被使用的虚拟车牌，请重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>No-plate entry is only possible at an entry lane.</source>
        <translation>无牌车入场只能在入口车道办理。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>Choose a plate type.</source>
        <translation>请选择车牌类型。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>Creating the entry order…</source>
        <translation>正在创建入场订单…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>Entry created: {plate}, order {order}</source>
        <translation>已入场：{plate}，订单 {order}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/no_plate.py"/>
        <source>No-plate entry</source>
        <translation>无牌车入场</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>No order is known at this lane: an offline payment needs the last known order.</source>
        <translation>本车道没有已知订单：离线支付需要最后已知的订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Offline only cash payments can be recorded.</source>
        <translation>离线时只能记录现金支付。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>The amount due is negative.</source>
        <translation>应收金额为负数。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>The amount received is less than the amount due.</source>
        <translation>实收金额少于应收金额。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Offline payments need the journal, and it is not open.</source>
        <translation>离线支付需要操作日志，但日志未打开。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Payment {pno} of this order is already recorded and waits for the parking server: not recorded twice.</source>
        <translation>该订单的支付 {pno} 已记录并在等待停车场服务器：不重复记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Say how the difference was settled.</source>
        <translation>请说明差额的处理方式。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Payment {pno} does not need review.</source>
        <translation>支付 {pno} 无需复核。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>A reason is required for a manual opening.</source>
        <translation>手动抬杆必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Manual openings need the journal, and it is not open.</source>
        <translation>手动抬杆记录需要操作日志，但日志未打开。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Paid cash offline</source>
        <translation>离线现金已收</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Nothing to pay (free time, monthly or free vehicle)</source>
        <translation>无需缴费（免费时段、月租车或免费车）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Paid cash offline (payment {pno})</source>
        <translation>离线现金已收（支付 {pno}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>OFFLINE since {t}: the parking server cannot be reached, so this console cannot open the barrier, and the command is not kept for later. Open the barrier with its manual switch, then confirm here with the reason: the opening is recorded in the journal (lane, plate, last known order, your name, time).</source>
        <translation>自 {t} 起离线：无法连接停车场服务器，本机无法抬杆，该指令也不会保留到之后执行。请用道闸手动开关抬杆，然后在此填写原因并确认：本次抬杆将记入操作日志（车道、车牌、最后已知订单、操作员、时间）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Manual opening</source>
        <translation>手动抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>No manual opening recorded.</source>
        <translation>未记录手动抬杆。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Recording the manual opening…</source>
        <translation>正在记录手动抬杆…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Manual opening recorded: {why}</source>
        <translation>已记录手动抬杆：{why}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>OFFLINE: no order is known at this lane, so no payment can be recorded.</source>
        <translation>离线：本车道没有已知订单，无法记录支付。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>The parking server does not answer, and offline only cash payments can be recorded: nothing was recorded.</source>
        <translation>停车场服务器无响应，离线时只能记录现金支付：未记录任何支付。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Offline cash payment</source>
        <translation>离线现金收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>The parking server does not answer: nothing was sent. Record this cash payment offline ({fee}, order {order})? It is sent when the server answers again, after checking the fee.</source>
        <translation>停车场服务器无响应：未发送任何数据。是否将这笔现金支付记为离线支付（{fee}，订单 {order}）？服务器恢复后，核对金额无误即会发送。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>OFFLINE since {t}: the parking server cannot be reached. This cash payment is recorded in this console with the last known order and fee (as of {t}) and sent with the same payment number when the server answers again. If the fee or the order has changed by then, it is NOT sent and is listed for review. Open the barrier with its manual switch ({open}).</source>
        <translation>自 {t} 起离线：无法连接停车场服务器。这笔现金支付将按最后已知的订单和金额（截至 {t}）记录在本机，服务器恢复后以同一支付单号发送。若届时金额或订单已变化，则不发送，并列入待复核。请用道闸手动开关抬杆（{open}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>Recording the offline payment…</source>
        <translation>正在记录离线支付…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/offline.py"/>
        <source>OFFLINE payment recorded ({pno}), not sent yet. Change: {change}. Open the barrier with its manual switch and press {open}.</source>
        <translation>已记录离线支付（{pno}），尚未发送。找零：{change}。请用道闸手动开关抬杆，并按 {open}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>There is no order to pay at this lane.</source>
        <translation>本车道没有待支付的订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>Payment {pno} of this order was taken offline and waits for the parking server (see “Payments waiting for the server”): not taken twice.</source>
        <translation>该订单的支付 {pno} 已在离线时收取，正在等待停车场服务器（见“等待服务器确认的支付”）：不重复收取。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>Cannot check the amount due with the parking server ({error}). The payment was not sent.</source>
        <translation>无法向停车场服务器核对应收金额（{error}）。支付未发送。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>The order at this lane changed (now: {order}). The payment was not sent.</source>
        <translation>该车道的订单已变化（现为：{order}）。支付未发送。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>The amount due changed from ¥{old} to ¥{new}. The payment was not sent: check the new amount and confirm again.</source>
        <translation>应收金额已从 ¥{old} 变为 ¥{new}。支付未发送：请核对新金额后再次确认。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>No order to pay at this lane.</source>
        <translation>本车道没有待支付的订单。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>Payment confirmed ({pno}). Change: {change}</source>
        <translation>支付已确认（{pno}）。找零：{change}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>Amount due changed</source>
        <translation>应收金额已变化</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>The amount due is now {new} (it was {old}). Take the payment with the new amount? The amount received ({received}) is kept.</source>
        <translation>应收金额已变为 {new}（原为 {old}）。按新金额收款吗？已输入的实收金额（{received}）将保留。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>The amount due changed from {old} to {new}: the amount received is kept and the change computed again.</source>
        <translation>应收金额已从 {old} 变为 {new}：实收金额保留，找零已重新计算。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>Confirm payment</source>
        <translation>确认收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/payment.py"/>
        <source>The receipt was not printed: {why}</source>
        <translation>凭条未打印：{why}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/registry.py"/>
        <source>The console is locked: unlock it to give commands.</source>
        <translation>控制台已锁定：请先解锁再操作。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/commands/registry.py"/>
        <source>Nobody is signed on: sign on to give commands.</source>
        <translation>尚无操作员登录：请先登录再操作。</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <location filename="../../booth_console/ui/demo.py"/>
        <source>MQTT is unavailable ({error}); using HTTP V2.0.</source>
        <translation>MQTT 不可用（{error}），改用 HTTP V2.0。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/demo.py"/>
        <source>Demo: simulator at {url}, {n} vehicles/min. Data in {folder}</source>
        <translation>演示：模拟器位于 {url}，每分钟 {n} 辆车。数据保存在 {folder}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/demo.py"/>
        <source>Demo: signed on as “{name}” (attendant) by itself; the supervisor “{boss}” approves. Passwords: docs/OPERATORS.md.</source>
        <translation>演示：已自动以“{name}”（收费员）登录；主管“{boss}”负责批准。密码见 docs/OPERATORS.md。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/demo.py"/>
        <source>Demo: “{name}” could not be signed on by itself: sign on at the booth window.</source>
        <translation>演示：无法自动登录“{name}”：请在岗亭窗口登录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/demo.py"/>
        <source>Demo: a shift is open with a float of ¥{float}; close it with the booth window's Shift button for the cash-up and the report.</source>
        <translation>演示：已开班，备用金 ¥{float}；用岗亭窗口的“班次”按钮交班、点钞并查看报表。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>{action} · {lane} (lane {no})</source>
        <translation>{action} · {lane}（车道 {no}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>{lane} (lane {no})</source>
        <translation>{lane}（车道 {no}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>no plate</source>
        <translation>无车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>All methods: Space opens the list</source>
        <translation>全部支付方式：按空格键打开列表</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Other:</source>
        <translation>其他：</translation>
    </message>
</context>
<context>
    <name>FindEntryDialog</name>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Find entry</source>
        <translation>查找入场</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>nothing read</source>
        <translation>未识别</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Read at the exit: {plate}</source>
        <translation>出口识别：{plate}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>type the plate or part of it</source>
        <translation>输入车牌或其中一部分</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Searching…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Entry capture</source>
        <translation>入场抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>No capture at this lane</source>
        <translation>本车道暂无抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Entry capture of the selected vehicle</source>
        <translation>所选车辆的入场抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>This lane's exit capture</source>
        <translation>本车道出口抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Enter: this is the vehicle</source>
        <translation>Enter：就是这辆车</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Ctrl+N: no entry record, flat fee {fee}</source>
        <translation>Ctrl+N：无入场记录，固定收费 {fee}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Ctrl+R: free release</source>
        <translation>Ctrl+R：免费放行</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Esc: leave</source>
        <translation>Esc：退出</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>The search failed: {error}</source>
        <translation>查找失败：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>{n} candidates, closest first. Arrows choose, Enter picks.</source>
        <translation>{n} 个候选，最接近的在前。方向键选择，Enter 确认。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>No vehicle in the lot fits this plate. Correct it, or: no entry record (Ctrl+N).</source>
        <translation>场内没有与此车牌相符的车辆。请更正车牌，或：无入场记录（Ctrl+N）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>No vehicle in the lot.</source>
        <translation>场内没有车辆。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>(Only part of the lot was searched: type more characters.)</source>
        <translation>（只查找了部分场内车辆：请输入更多字符。）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>entered {time} · {lane}</source>
        <translation>入场 {time} · {lane}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>{plate} · entered {time} at {lane} · order {order}</source>
        <translation>{plate} · {time} 从 {lane} 入场 · 订单 {order}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Fee: …</source>
        <translation>费用：…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>No entry capture</source>
        <translation>无入场抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Would pay {fee}</source>
        <translation>应付 {fee}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/find_entry_dialog.py"/>
        <source>Fee unknown: {error}</source>
        <translation>费用未知：{error}</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Finish writes the configuration and starts the console.</source>
        <translation>点击“完成”将写入配置并启动收费台。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Configuration file:</source>
        <translation>配置文件(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Keep the AppSecret and broker password in the &amp;OS keyring</source>
        <translation>将 AppSecret 和 MQTT 密码保存在系统密钥库中(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Windows Credential Manager</source>
        <translation>Windows 凭据管理器</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>macOS Keychain</source>
        <translation>macOS 钥匙串</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Secret Service (GNOME Keyring or KWallet; needs a desktop session)</source>
        <translation>Secret Service（GNOME 密钥环或 KWallet；需要桌面会话）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>This PC has no usable OS keyring, so the AppSecret and broker password will be written into the configuration file, which only this user may read. To keep them out of the file, set up the keyring (on Linux: a desktop session with GNOME Keyring or KWallet) and run setup again, or give them in the environment (BOOTH_CONSOLE_APP_SECRET, BOOTH_CONSOLE_MQTT_PASSWORD).</source>
        <translation>本机没有可用的系统密钥库，因此 AppSecret 和 MQTT 密码将写入配置文件（只有当前用户可读）。如不想写入文件，请先配置密钥库（Linux：带 GNOME 密钥环或 KWallet 的桌面会话）后重新运行设置，或通过环境变量（BOOTH_CONSOLE_APP_SECRET、BOOTH_CONSOLE_MQTT_PASSWORD）提供。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>The OS keyring cannot be used: untick “Keep the AppSecret … in the OS keyring” to write the secrets into the file (only this user may read it), or set up the keyring and try again.

{error}</source>
        <translation>无法使用系统密钥库：取消勾选“将 AppSecret … 保存在系统密钥库中”即可把密钥写入配置文件（只有当前用户可读），或配置好密钥库后重试。

{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>The configuration could not be written: {error}</source>
        <translation>无法写入配置：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
</context>
<context>
    <name>HistoryWindow</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Lane</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Working</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Booth</source>
        <translation>岗亭</translation>
    </message>
</context>
<context>
    <name>LaneWindow</name>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Barrier</source>
        <translation>道闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Keep-open</source>
        <translation>常开</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Ground loop</source>
        <translation>地感</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Amount due</source>
        <translation>应收金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Entry time</source>
        <translation>入场时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Entry lane</source>
        <translation>入场车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Duration</source>
        <translation>停车时长</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Plate type</source>
        <translation>车牌类型</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Order</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Total / discount</source>
        <translation>总额 / 优惠</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No entry image</source>
        <translation>无入场图片</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No capture yet</source>
        <translation>暂无抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Entry image</source>
        <translation>入场图片</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Latest capture at this lane</source>
        <translation>本车道最新抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>History (Ctrl+M)</source>
        <translation>消息记录（Ctrl+M）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Entry</source>
        <translation>入口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Exit</source>
        <translation>出口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Unknown direction</source>
        <translation>方向未知</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Lane {no}</source>
        <translation>车道 {no}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Charging</source>
        <translation>收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>{name} (lane {no}) — Booth Console</source>
        <translation>{name}（车道 {no}）— 岗亭收费台</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Open</source>
        <translation>已开</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Closed</source>
        <translation>已关</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>ON</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Vehicle</source>
        <translation>有车</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Empty</source>
        <translation>无车</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No answer for {n} s</source>
        <translation>已 {n} 秒无响应</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>The lane's state may be out of date.</source>
        <translation>车道状态可能已过时。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>FAILING · the server answers with errors</source>
        <translation>故障 · 服务器返回错误</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>OFFLINE · last seen {t}</source>
        <translation>离线 · 最后响应 {t}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>last known, not live</source>
        <translation>最后已知，非实时</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>The plate and fee shown are the last known. {pay}: offline cash payment; {open}: open with the barrier's manual switch.</source>
        <translation>显示的车牌和金额为最后已知数据。{pay}：离线现金收费；{open}：用道闸手动开关抬杆。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No order known at this lane. {open}: open with the barrier's manual switch.</source>
        <translation>本车道没有已知订单。{open}：用道闸手动开关抬杆。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>OFFLINE since {t}: the parking server cannot be reached.</source>
        <translation>自 {t} 起离线：无法连接停车场服务器。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Last vehicle</source>
        <translation>最近车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>no vehicle waiting</source>
        <translation>无车辆等待</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>(no entry record)</source>
        <translation>（无入场记录）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>{area}: {start} → {end}, {minutes} min, {amount} {remarks}</source>
        <translation>{area}：{start} → {end}，{minutes} 分钟，{amount} {remarks}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Fee details unavailable: {error}</source>
        <translation>无法获取费用明细：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 条</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Vehicle on the ground loop</source>
        <translation>地感上有车辆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No plate read</source>
        <translation>未识别到车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No entry order for this vehicle</source>
        <translation>该车辆没有入场订单</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>{plate} was read but the parking server created no entry order (the barrier stays closed). Check the vehicle; {open} opens the barrier (recorded in the journal).</source>
        <translation>已识别车牌 {plate}，但停车场服务器未生成入场订单（道闸保持关闭）。请核实车辆；按 {open} 抬杆（记入操作日志）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No plate was read. Check the vehicle, then press {key} for a no-plate entry.</source>
        <translation>未识别到车牌。请核实车辆，然后按 {key} 办理无牌车入场。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No entry record — nothing to charge</source>
        <translation>无入场记录 — 无可收费订单</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No entry record for {plate}.</source>
        <translation>车牌 {plate} 没有入场记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>The plate was not read, so no entry record can be found.</source>
        <translation>未识别到车牌，因此无法查到入场记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>{what} {find} finds its entry among the vehicles in the lot (or charges the flat fee). {open} opens the barrier (recorded in the journal); {refresh} reads the lane again.</source>
        <translation>{what}按 {find} 在场内车辆中查找其入场记录（或按固定收费）。按 {open} 抬杆（记入操作日志）；按 {refresh} 重新读取车道。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No capture of this vehicle yet (previous: {plate} {at})</source>
        <translation>尚无该车辆的抓拍（上一辆：{plate} {at}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>No capture of this vehicle yet</source>
        <translation>尚无该车辆的抓拍</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Latest capture at this lane: {caption}</source>
        <translation>本车道最新抓拍：{caption}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Message history</source>
        <translation>消息记录</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>Close lane window</source>
        <translation>关闭车道窗口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/lane_window.py"/>
        <source>A vehicle is on the ground loop of {lane}. Close this window anyway?</source>
        <translation>{lane} 的地感上有车辆。仍要关闭此窗口吗？</translation>
    </message>
</context>
<context>
    <name>LanesPage</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Lanes of this booth</source>
        <translation>本岗亭的车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Tick the lanes this booth serves (Space ticks).</source>
        <translation>勾选本岗亭负责的车道（空格键勾选）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>entry</source>
        <translation>入口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>exit</source>
        <translation>出口</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>non-vehicle lane</source>
        <translation>非机动车道</translation>
    </message>
</context>
<context>
    <name>ListenerPage</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Callbacks from the parking server</source>
        <translation>停车场服务器的回调</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>The parking software posts vehicle and payment events to this PC's address; choose the one on the parking network.</source>
        <translation>停车场软件会把车辆和支付事件发送到本机地址；请选择停车场网络上的那个地址。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>This PC's &amp;address:</source>
        <translation>本机地址(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Register these callbacks with the parking server now</source>
        <translation>立即向停车场服务器注册这些回调(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Warning: SetCallbackParams replaces the parking server's WHOLE callback table. Callback addresses set by other programs (another booth, a display board) stop receiving events. Leave this unticked if anything else uses callbacks.</source>
        <translation>警告：SetCallbackParams 会替换停车场服务器的整张回调表。其他程序（另一个岗亭、显示屏）设置的回调地址将不再收到事件。如有其他程序使用回调，请不要勾选。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Start Booth Console when I &amp;log in</source>
        <translation>登录时自动启动岗亭收费台(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Free: {detail}</source>
        <translation>可用：{detail}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Not usable: {detail}</source>
        <translation>不可用：{detail}</translation>
    </message>
</context>
<context>
    <name>ManualOpenDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Manual opening</source>
        <translation>手动抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Preset reasons</source>
        <translation>预设原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>I opened it with the manual switch</source>
        <translation>我已用手动开关抬杆</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>A reason is required.</source>
        <translation>必须填写原因。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>the parking server cannot be reached</source>
        <translation>无法连接停车场服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>the parking server did not answer in time</source>
        <translation>停车场服务器未及时响应</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>the parking server's answer could not be understood</source>
        <translation>无法识别停车场服务器的应答</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>the connection to the parking server was lost</source>
        <translation>与停车场服务器的连接中断</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>signature rejected: check AppId, AppSecret and ParkKey</source>
        <translation>签名被拒绝：请检查 AppId、AppSecret 和 ParkKey</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>invalid request parameters</source>
        <translation>请求参数无效</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>internal error of the parking server</source>
        <translation>停车场服务器内部错误</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>this interface is not enabled on the parking server</source>
        <translation>停车场服务器未启用此接口</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>refused by the parking server</source>
        <translation>停车场服务器拒绝</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>request failed</source>
        <translation>请求失败</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>{meaning}: “{msg}” (code {code})</source>
        <translation>{meaning}：“{msg}”（代码 {code}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>{meaning} (code {code})</source>
        <translation>{meaning}（代码 {code}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/messages.py"/>
        <source>unexpected error (details in the log)</source>
        <translation>意外错误（详情见日志）</translation>
    </message>
</context>
<context>
    <name>NoPlateDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>No-plate entry</source>
        <translation>无牌车入场</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Lane</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Virtual plate</source>
        <translation>虚拟车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>generated: {prefix} + 6 characters</source>
        <translation>自动生成：{prefix} + 6 位字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Vehicle type</source>
        <translation>车辆类型</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Plate type</source>
        <translation>车牌类型</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>The plate types have not been loaded from the parking server yet.</source>
        <translation>尚未从停车场服务器加载车牌类型。</translation>
    </message>
</context>
<context>
    <name>NoPlateResultDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>No-plate entry created</source>
        <translation>无牌车入场已创建</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Virtual plate</source>
        <translation>虚拟车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
</context>
<context>
    <name>OperatorReasons</name>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the name is empty</source>
        <translation>名称为空</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the name is longer than {n} characters</source>
        <translation>名称超过 {n} 个字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the name contains control or space characters other than a plain space</source>
        <translation>名称含有控制字符或普通空格以外的空白字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the password is empty</source>
        <translation>密码为空</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the password is shorter than {n} characters</source>
        <translation>密码少于 {n} 个字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the password is longer than {n} characters</source>
        <translation>密码超过 {n} 个字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>the password contains control characters</source>
        <translation>密码含有控制字符</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>unknown role {role}: one of {roles}</source>
        <translation>未知角色 {role}：应为 {roles} 之一</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>no operator account {name}</source>
        <translation>没有操作员账户 {name}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>an operator account {name} exists already</source>
        <translation>操作员账户 {name} 已存在</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>operator accounts exist already</source>
        <translation>已有操作员账户</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>{name} is the last enabled admin: add another admin first</source>
        <translation>{name} 是最后一个启用的管理员：请先添加另一个管理员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>{name} is the last enabled admin</source>
        <translation>{name} 是最后一个启用的管理员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>enter a name</source>
        <translation>请输入名称</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operator_reasons.py"/>
        <source>enter a password</source>
        <translation>请输入密码</translation>
    </message>
</context>
<context>
    <name>OperatorsDialog</name>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>R&amp;ole:</source>
        <translation>角色(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Pass&amp;word again:</source>
        <translation>再次输入密码(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Reset password</source>
        <translation>重设密码(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Change role</source>
        <translation>更改角色(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>attendant</source>
        <translation>收费员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>The accounts cannot be read: {error}</source>
        <translation>无法读取操作员账户：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>no (disabled)</source>
        <translation>否（已停用）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>The two passwords differ: type the same password twice.</source>
        <translation>两次输入的密码不一致：请输入相同的密码两次。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>An account with this name exists already.</source>
        <translation>已有同名账户。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Refused: {reason}</source>
        <translation>被拒绝：{reason}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>Account {name} added.</source>
        <translation>已添加账户 {name}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>New password set for {name}.</source>
        <translation>已为 {name} 设置新密码。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>{name} is disabled.</source>
        <translation>{name} 已停用。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>{name} is enabled.</source>
        <translation>{name} 已启用。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/operators_dialog.py"/>
        <source>{name} is now {role}.</source>
        <translation>{name} 现在是{role}。</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Fee override</source>
        <translation>改价</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Fee shown</source>
        <translation>当前金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>new amount in yuan, below the fee shown</source>
        <translation>新金额（元），须低于当前金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>New fee (¥)</source>
        <translation>新金额（¥）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Preset reasons</source>
        <translation>预设原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Enter the new fee in yuan.</source>
        <translation>请输入新金额（元）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>The new fee cannot be negative.</source>
        <translation>新金额不能为负数。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>At most two decimals (fen).</source>
        <translation>最多两位小数（分）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>The new fee must be less than the fee shown ({fee}).</source>
        <translation>新金额必须低于当前显示的金额（{fee}）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>A reason is required.</source>
        <translation>必须填写原因。</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Offline cash payment</source>
        <translation>离线现金收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Confirm payment</source>
        <translation>确认收费</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Amount due</source>
        <translation>应收金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Amount received</source>
        <translation>实收金额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Print a receipt (Alt+P)</source>
        <translation>打印凭条（Alt+P）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Enter the amount received.</source>
        <translation>请输入实收金额。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>The amount received is less than the amount due.</source>
        <translation>实收金额少于应收金额。</translation>
    </message>
</context>
<context>
    <name>PaymentOutbox</name>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>{n} payment(s) were not confirmed by the parking server yet; they are sent again automatically.</source>
        <translation>有 {n} 笔支付尚未得到停车场服务器确认，系统会自动重新发送。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>{n} offline payment(s) need review: their order changed while the parking server could not be reached (see “Payments waiting for the server”).</source>
        <translation>有 {n} 笔离线支付需要复核：停车场服务器无法连接期间，其订单已发生变化（见“等待服务器确认的支付”）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Sending payment {pno} again…</source>
        <translation>正在重新发送支付 {pno}…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Payment {pno} confirmed: the parking server answered with an error (code {code}) but its payment records hold it.</source>
        <translation>支付 {pno} 已确认：停车场服务器答复了错误（代码 {code}），但其支付记录中有该笔支付。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Payment {pno} had already been recorded by the parking server.</source>
        <translation>支付 {pno} 已被停车场服务器记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Payment {pno} confirmed.</source>
        <translation>支付 {pno} 已确认。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>No definite answer from the parking server yet. Payment {pno} stays in “Payments waiting for the server” and is sent again automatically.</source>
        <translation>停车场服务器尚未给出明确答复。支付 {pno} 保留在“等待服务器确认的支付”中，并会自动重新发送。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>The parking server answered “{msg}” (code {code}) to payment {pno}; asking it whether the payment was recorded…</source>
        <translation>停车场服务器对支付 {pno} 答复“{msg}”（代码 {code}）；正在向其查询该支付是否已记录…</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Payment {pno} is waiting for the server: cannot check whether it was recorded ({error}); asking again in {s:.0f} s</source>
        <translation>支付 {pno} 正在等待服务器：无法查询其是否已记录（{error}）；{s:.0f} 秒后再次查询</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>The parking server did not record payment {pno}: it answered “{msg}” (code {code}) and its payment records do not hold it. The order is not paid: confirm the payment again or give the money back.</source>
        <translation>停车场服务器未记录支付 {pno}：其答复为“{msg}”（代码 {code}），且其支付记录中没有该笔支付。该订单未支付：请再次确认收费，或退还款项。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>The parking server did not record payment {pno} (code {code}); sending it again in {s:.0f} s (attempt {n})</source>
        <translation>停车场服务器未记录支付 {pno}（代码 {code}）；{s:.0f} 秒后重新发送（第 {n} 次）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Payment not answered yet ({error}); sending it again in {s:.0f} s (attempt {n})</source>
        <translation>支付尚未得到答复（{error}）；{s:.0f} 秒后重新发送（第 {n} 次）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>order {order} is not known to the parking server</source>
        <translation>停车场服务器上不存在订单 {order}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>order {order} is closed at the parking server (status {status})</source>
        <translation>订单 {order} 在停车场服务器上已结束（状态 {status}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>the parking server cannot price order {order}: {msg}</source>
        <translation>停车场服务器无法计算订单 {order} 的费用：{msg}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>the fee is now ¥{now}; ¥{recorded} was taken offline (difference ¥{diff})</source>
        <translation>当前应收 ¥{now}；离线时收取 ¥{recorded}（差额 ¥{diff}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Offline payment {pno} ({plate}, order {order}) was NOT sent: {why}. It is listed for review in the booth window.</source>
        <translation>离线支付 {pno}（{plate}，订单 {order}）未发送：{why}。已列入岗亭窗口待复核。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/outbox.py"/>
        <source>Offline payment {pno} matches order {order}: sending it.</source>
        <translation>离线支付 {pno} 与订单 {order} 一致：正在发送。</translation>
    </message>
</context>
<context>
    <name>ReasonListDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Reason (1-9)</source>
        <translation>原因（1-9）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Your words</source>
        <translation>补充说明</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Choose a reason (arrows or 1-9).</source>
        <translation>请选择原因（方向键或 1-9）。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Say why in your own words.</source>
        <translation>请用您自己的话说明原因。</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Lane</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Entry time</source>
        <translation>入场时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Exit time</source>
        <translation>出场时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Duration</source>
        <translation>停车时长</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Fee</source>
        <translation>费用</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Discount</source>
        <translation>优惠</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Paid</source>
        <translation>实收</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Received</source>
        <translation>收款</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/receipt.py"/>
        <source>Payment no.</source>
        <translation>支付单号</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>Parking receipt</source>
        <translation>停车收费凭条</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>the printer cannot be opened</source>
        <translation>无法打开打印机</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>no printer named {name}</source>
        <translation>没有名为 {name} 的打印机</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>no default printer is set up on this PC</source>
        <translation>本机未设置默认打印机</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>the receipt printer at {where} did not answer within {s} s</source>
        <translation>位于 {where} 的小票打印机在 {s} 秒内无响应</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>the receipt printer at {where} cannot be reached</source>
        <translation>无法连接位于 {where} 的小票打印机</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/receipt.py"/>
        <source>python-escpos is not installed (pip install "booth-console[escpos]")</source>
        <translation>未安装 python-escpos（pip install "booth-console[escpos]"）</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Parking server</source>
        <translation>停车场服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Copy these from the parking software's System Settings page.</source>
        <translation>请从停车场软件的“系统设置”页面抄录以下各项。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>HTTP (V2.0)</source>
        <translation>HTTP（V2.0）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>MQTT (V3.0)</source>
        <translation>MQTT（V3.0）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Server address:</source>
        <translation>服务器地址(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>App&amp;Id:</source>
        <translation>AppId(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>AppS&amp;ecret:</source>
        <translation>AppSecret(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;ParkKey:</source>
        <translation>ParkKey(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Transport:</source>
        <translation>通信方式(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Broker &amp;host:</source>
        <translation>MQTT 服务器地址(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Broker p&amp;ort:</source>
        <translation>MQTT 服务器端口(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Broker &amp;user:</source>
        <translation>MQTT 用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Broker pass&amp;word:</source>
        <translation>MQTT 密码(&amp;W)：</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>MQTT callbacks are not available: {error}</source>
        <translation>MQTT 回调不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>The MQTT broker restarted without this booth's subscription: callbacks sent while it was away may be missing. Lanes are read again now; check recent entries and payments.</source>
        <translation>MQTT 代理重启后丢失了本岗亭的订阅：代理中断期间发送的回调可能缺失。正在重新读取车道，请核对最近的入场和支付记录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source> (and {n} more: see the booth window)</source>
        <translation>（另有 {n} 项，见岗亭窗口）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>Handed over: {items}</source>
        <translation>交接事项：{items}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>Callbacks are not registered: the parking server at {server} cannot reach this console at {url}. Set [listener] host = "0.0.0.0" and public_url to this PC's LAN address in {file}.</source>
        <translation>未注册回调：位于 {server} 的停车场服务器无法访问本机地址 {url}。请在 {file} 中设置 [listener] host = "0.0.0.0"，并将 public_url 设为本机的局域网地址。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>The journal was damaged and a new one was started; the damaged file is kept as {copy}. Recovered: {callbacks} undelivered callbacks, {payments} payments waiting for the server. Callbacks sent before this start are refused.</source>
        <translation>日志数据库已损坏，已启用新的日志；损坏的文件保留为 {copy}。已恢复：{callbacks} 条未送达的回调，{payments} 笔等待服务器确认的支付。本次启动之前发出的回调将被拒绝。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>The journal's record of recent callbacks could not be read: callbacks sent before this start are refused.</source>
        <translation>无法读取日志中最近的回调记录：本次启动之前发出的回调将被拒绝。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>Could not register callbacks: {error}. Trying again when the parking server answers.</source>
        <translation>无法注册回调：{error}。停车场服务器恢复响应后将再次尝试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/session.py"/>
        <source>Callbacks registered at {url} (this replaced the server's whole callback table).</source>
        <translation>回调已注册到 {url}（已替换服务器上的整个回调表）。</translation>
    </message>
</context>
<context>
    <name>SettleDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Settle offline payment</source>
        <translation>结清离线支付</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>e.g. the driver paid the difference; supervisor</source>
        <translation>例如：车主已补交差额；主管</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>How it was settled</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>Say how the difference was settled.</source>
        <translation>请说明差额的处理方式。</translation>
    </message>
</context>
<context>
    <name>SetupChecks</name>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>nothing listens on port {port} at {host} (wrong port, or the service is not running)</source>
        <translation>{host} 的 {port} 端口无程序监听（端口错误，或服务未运行）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>no answer from {host} within {seconds} s: unreachable (wrong address, network cable or firewall)</source>
        <translation>{host} 在 {seconds} 秒内无响应：无法连接（地址错误、网线或防火墙问题）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>unknown host name {host} ({error})</source>
        <translation>未知主机名 {host}（{error}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>cannot reach {host}:{port}: {error}</source>
        <translation>无法连接 {host}:{port}：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>no MQTT broker at {host}:{port} (connection refused)</source>
        <translation>{host}:{port} 没有 MQTT 代理（连接被拒绝）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>cannot reach the MQTT broker at {host}:{port}: {error}</source>
        <translation>无法连接 {host}:{port} 的 MQTT 代理：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>the MQTT broker at {host}:{port} did not answer the connection</source>
        <translation>{host}:{port} 的 MQTT 代理未响应连接</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>the MQTT broker at {host}:{port} refused the connection: {reason} (check [mqtt] username and password)</source>
        <translation>{host}:{port} 的 MQTT 代理拒绝连接：{reason}（请检查 [mqtt] 的用户名和密码）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>connected to {host}:{port} as {user}</source>
        <translation>已以 {user} 身份连接到 {host}:{port}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>connected to {host}:{port}</source>
        <translation>已连接到 {host}:{port}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>; this PC's clock is {seconds} s ahead of the server's: set the clock right first</source>
        <translation>；本机时钟比服务器快 {seconds} 秒：请先校准时钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>; this PC's clock is {seconds} s behind the server's: set the clock right first</source>
        <translation>；本机时钟比服务器慢 {seconds} 秒：请先校准时钟</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>; the clocks agree, so the AppSecret (or AppId) is wrong</source>
        <translation>；时钟一致，因此是 AppSecret（或 AppId）错误</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>ResultCode 1001 ({msg}): the signature was refused: wrong AppSecret or AppId, or clock skew{clock}</source>
        <translation>ResultCode 1001（{msg}）：签名被拒绝：AppSecret 或 AppId 错误，或时钟偏差{clock}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>ResultCode 1002 ({msg}): wrong ParkKey</source>
        <translation>ResultCode 1002（{msg}）：ParkKey 错误</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>ResultCode 1004 ({msg}): the interface service is not enabled in the parking software</source>
        <translation>ResultCode 1004（{msg}）：停车场软件未启用接口服务</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>ResultCode {code}: {msg}</source>
        <translation>ResultCode {code}：{msg}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>credentials</source>
        <translation>凭据</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>missing {fields}</source>
        <translation>缺少 {fields}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>MQTT broker</source>
        <translation>MQTT 代理</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{url} is not an http:// or https:// address</source>
        <translation>{url} 不是 http:// 或 https:// 地址</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>server reachable</source>
        <translation>服务器连通</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{host} accepts connections on port {port}</source>
        <translation>{host} 的 {port} 端口可以连接</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>no answer on the response topic within {seconds} s: is the parking software connected to this broker with this topic prefix and ParkKey?</source>
        <translation>应答主题在 {seconds} 秒内无响应：停车场软件是否以此主题前缀和 ParkKey 连接到该代理？</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>the server took too long to answer: {error}</source>
        <translation>服务器响应超时：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>something answers at {url} but not as the parking software's interface (wrong port?): {error}</source>
        <translation>{url} 有程序响应，但不是停车场软件的接口（端口错误？）：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>AppId, AppSecret and ParkKey accepted ({transport})</source>
        <translation>AppId、AppSecret 和 ParkKey 验证通过（{transport}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>lanes</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{count} lane(s): {lanes}</source>
        <translation>{count} 条车道：{lanes}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>the server lists no lanes</source>
        <translation>服务器没有列出任何车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>booth lanes</source>
        <translation>本岗亭车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>unknown to the server: {lanes}</source>
        <translation>服务器中不存在：{lanes}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{lanes} exist</source>
        <translation>{lanes} 均存在</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>any free port</source>
        <translation>任一空闲端口</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>port {port} on {host} is in use by another program: choose another</source>
        <translation>{host} 的 {port} 端口已被其他程序占用：请换一个</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{host} is not an address of this PC</source>
        <translation>{host} 不是本机的地址</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>cannot listen on {host}:{port}: {error}</source>
        <translation>无法在 {host}:{port} 监听：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>{host}:{port} is free</source>
        <translation>{host}:{port} 空闲</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>listener</source>
        <translation>回调监听</translation>
    </message>
    <message>
        <location filename="../../booth_console/setup_checks.py"/>
        <source>checks</source>
        <translation>检查</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Booth Console setup</source>
        <translation>岗亭收费台设置</translation>
    </message>
</context>
<context>
    <name>ShiftCloseDialog</name>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Close the shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Count the cash in the drawer</source>
        <translation>清点钱箱中的现金</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Enter the total counted, or the number of notes and coins of each value. The expected amount is shown after the count.</source>
        <translation>请输入清点的现金总额，或各面值纸币和硬币的张数。应有金额在清点之后显示。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>total in yuan</source>
        <translation>总额（元）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Counted cash (¥)</source>
        <translation>实点现金（¥）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Close the shift (Enter)</source>
        <translation>交班（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Enter the counted cash as an amount (e.g. 1250 or 1250.50), or count by denomination.</source>
        <translation>请以金额输入实点现金（如 1250 或 1250.50），或按面值清点。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Comparing with the parking server's records…</source>
        <translation>正在与停车场服务器的记录核对…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Shift report</source>
        <translation>交班报表</translation>
    </message>
</context>
<context>
    <name>ShiftOpenDialog</name>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Open a shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Shift of {who}</source>
        <translation>{who} 的班次</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Float in the drawer (¥)</source>
        <translation>钱箱备用金（¥）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Open the shift (Enter)</source>
        <translation>开班（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_dialog.py"/>
        <source>Enter the float as an amount, e.g. 200 or 200.50.</source>
        <translation>请以金额输入备用金，如 200 或 200.50。</translation>
    </message>
</context>
<context>
    <name>ShiftReport</name>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Lane</source>
        <translation>车道</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>What</source>
        <translation>情况</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Approved by</source>
        <translation>批准人</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>open</source>
        <translation>未交班</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>still open (figures up to {time})</source>
        <translation>尚未交班（数据截至 {time}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Shift report</source>
        <translation>交班报表</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Opened</source>
        <translation>开班</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Closed</source>
        <translation>已关</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Closed by</source>
        <translation>交班人</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Expected cash</source>
        <translation>应有现金</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Counted</source>
        <translation>实点</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Variance</source>
        <translation>差额</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Float</source>
        <translation>备用金</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>cash received</source>
        <translation>收到现金</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>change given</source>
        <translation>找零</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>expected</source>
        <translation>应有</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Counted by denomination</source>
        <translation>按面值清点</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Payments by method</source>
        <translation>按支付方式汇总</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Count</source>
        <translation>笔数</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Differences with the parking server</source>
        <translation>与停车场服务器记录的差异</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Not compared</source>
        <translation>未核对</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>None: the server holds the same payments and openings.</source>
        <translation>无：服务器上的支付和开闸记录一致。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>on the server only</source>
        <translation>仅服务器有</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>in the console only</source>
        <translation>仅本机有</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>different amounts</source>
        <translation>金额不一致</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>payment</source>
        <translation>支付</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>opening</source>
        <translation>开闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Fee overrides</source>
        <translation>改价</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Free releases</source>
        <translation>免费放行</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Manual openings</source>
        <translation>手动开闸</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>No-plate entries</source>
        <translation>无牌车入场</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Plate corrections</source>
        <translation>车牌更正</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Vehicles without entry record (flat fee)</source>
        <translation>无入场记录车辆（固定收费）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Payments waiting for the server</source>
        <translation>等待服务器确认的支付</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Unexplained openings not annotated</source>
        <translation>未说明的开闸（尚未备注）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Audit chain</source>
        <translation>审计链</translation>
    </message>
</context>
<context>
    <name>ShiftReportView</name>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Print (Ctrl+P)</source>
        <translation>打印（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Export PDF (Ctrl+E)</source>
        <translation>导出 PDF（Ctrl+E）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Export CSV (Ctrl+S)</source>
        <translation>导出 CSV（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Export the shift report</source>
        <translation>导出交班报表</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Could not write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/shift_report.py"/>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
</context>
<context>
    <name>Shifts</name>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Payment waiting for the server: {what} (lane {lane}, {at})</source>
        <translation>等待服务器确认的支付：{what}（车道 {lane}，{at}）</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Unexplained opening not annotated: lane {lane} at {at} {what}</source>
        <translation>未备注的未说明开闸：车道 {lane}，{at} {what}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Last shift ({who}) closed with a cash variance of ¥{v}</source>
        <translation>上一班次（{who}）交班时现金差额为 ¥{v}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Last shift ({who}): {n} differences with the parking server's records</source>
        <translation>上一班次（{who}）：与停车场服务器记录有 {n} 处差异</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>The float must be an amount of zero or more, with at most two decimals.</source>
        <translation>备用金须为零或以上的金额，最多两位小数。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Shift {id} of {who} is still open: close it first.</source>
        <translation>{who} 的班次 {id} 仍未交班：请先交班。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>The shift could not be recorded: {error}</source>
        <translation>无法记录班次：{error}</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>No shift is open.</source>
        <translation>当前没有开启的班次。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>the shift is still open</source>
        <translation>班次尚未交班</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>no connection to the parking server</source>
        <translation>未连接停车场服务器</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>the parking server did not answer in time</source>
        <translation>停车场服务器未及时响应</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>The counted cash must be zero or more.</source>
        <translation>实点现金须为零或以上。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>Shift {id} is not open.</source>
        <translation>班次 {id} 未开启。</translation>
    </message>
    <message>
        <location filename="../../booth_console/app/shifts.py"/>
        <source>The shift could not be closed: {error}</source>
        <translation>无法交班：{error}</translation>
    </message>
</context>
<context>
    <name>SignOnForm</name>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Sign on</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Enter your operator name and password.</source>
        <translation>请输入操作员名称和密码。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Sign on (Enter)</source>
        <translation>登录（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Locked after {n} min without input.</source>
        <translation>已 {n} 分钟无操作，自动锁定。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{name} ({role}) is signed on. {name} or a supervisor can unlock the console.</source>
        <translation>当前登录：{name}（{role}）。{name} 本人或主管可以解锁。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Unlock (Enter)</source>
        <translation>解锁（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Supervisor approval</source>
        <translation>主管批准</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{action} needs a supervisor's approval. The supervisor enters their name and password.</source>
        <translation>{action}需要主管批准。请主管输入名称和密码。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Approve (Enter)</source>
        <translation>批准（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Create the first administrator</source>
        <translation>创建第一个管理员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>No operator accounts exist yet. Create the administrator's account; the administrator then adds the other operators.</source>
        <translation>尚无操作员账户。请创建管理员账户，之后由管理员添加其他操作员。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Create and sign on (Enter)</source>
        <translation>创建并登录（Enter）</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>attendant</source>
        <translation>收费员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Enter your operator name.</source>
        <translation>请输入操作员名称。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>The password needs at least {n} characters.</source>
        <translation>密码至少需要 {n} 个字符。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>The password cannot be only spaces.</source>
        <translation>密码不能只有空格。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>The two passwords differ. Type them again.</source>
        <translation>两次输入的密码不一致，请重新输入。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Wrong operator name or password.</source>
        <translation>操作员名称或密码错误。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>The account {name} is disabled. Ask an administrator.</source>
        <translation>账户 {name} 已停用，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Only {operator} or a supervisor can unlock the console.</source>
        <translation>只有 {operator} 本人或主管可以解锁。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{name} is not a supervisor.</source>
        <translation>{name} 不是主管。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>An administrator account exists already: sign on with it.</source>
        <translation>管理员账户已存在，请用它登录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Someone else signed on meanwhile.</source>
        <translation>其他人已在此期间登录。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>This name or password cannot be used: {reason}.</source>
        <translation>无法使用此名称或密码：{reason}。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>The operator accounts cannot be read. The details are in the log.</source>
        <translation>无法读取操作员账户，详情见日志。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Sign-on failed. The details are in the log.</source>
        <translation>登录失败，详情见日志。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{name} can try again now.</source>
        <translation>{name} 现在可以重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Too many wrong passwords. {name} can try again in {time}.</source>
        <translation>密码错误次数过多，{name} 需等待 {time} 后重试。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
</context>
<context>
    <name>SignOnScreen</name>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Booth Console · Sign on</source>
        <translation>岗亭收费台 · 登录</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Booth Console</source>
        <translation>岗亭收费台</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/sign_on.py"/>
        <source>Enter: next field and sign on · Esc: clear the password</source>
        <translation>Enter：下一项并登录 · Esc：清除密码</translation>
    </message>
</context>
<context>
    <name>StartErrorBox</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Booth Console cannot start</source>
        <translation>岗亭收费台无法启动</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Booth Console cannot start: the configuration cannot be used.</source>
        <translation>岗亭收费台无法启动：配置无法使用。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>{error}

Correct the configuration file, or run `booth-console setup` again.</source>
        <translation>{error}

请修改配置文件，或重新运行 `booth-console setup`。</translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Connection test</source>
        <translation>连接测试</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Booth Console signs a Lane query with these credentials.</source>
        <translation>岗亭收费台用这些凭据签名并发送一次车道查询。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>&amp;Test again</source>
        <translation>重新测试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>ok    {name}: {detail}</source>
        <translation>通过  {name}：{detail}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>FAIL  {name}: {detail}</source>
        <translation>失败  {name}：{detail}</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>All checks passed.</source>
        <translation>全部检查通过。</translation>
    </message>
    <message>
        <location filename="../../booth_console/ui/setup_wizard.py"/>
        <source>A check failed: correct the settings (Back) and test again.</source>
        <translation>有检查未通过：请返回（上一步）修改设置后重新测试。</translation>
    </message>
</context>
<context>
    <name>_ReasonDialog</name>
    <message>
        <location filename="../../booth_console/ui/dialogs.py"/>
        <source>— choose a preset reason (Space) —</source>
        <translation>— 选择预设原因（空格键）—</translation>
    </message>
</context>
</TS>
