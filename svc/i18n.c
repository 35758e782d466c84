/*
 * i18n.c - the user-visible texts of certsvc's pages, Chinese first (the
 * seed's wording) and English.  Templates name them as {{t:key}}.
 *
 * The table is sorted by key (strcmp order) and searched with bsearch.
 * http_test looks up every {{t:key}} found in the embedded templates, so
 * a missing key, or one added out of order (which bsearch would miss),
 * fails the tests instead of showing the bare key on a page.
 */
#include <stdlib.h>
#include <string.h>

#include "page.h"

struct msg {
	const char *key;
	const char *zh;
	const char *en;
};

/* Keep sorted by key (LC_ALL=C sort). */
static const struct msg msgs[] = {
	{"cert.current", "本账户的证书", "Certificates of this account"},
	{"cert.download_note",
	    "点击“下载证书”后，证书助手在本机生成密钥并下载证书，证书有效期"
	    "为三年。下载凭证10分钟内有效，只能使用一次。",
	    "After you click Download certificate, the certificate helper "
	    "generates the key on this computer and downloads the "
	    "certificate (valid for three years). The download ticket is "
	    "valid for 10 minutes and can be used once."},
	{"cert.none",
	    "本账户目前没有证书。",
	    "This account has no certificate yet."},
	{"cert.org", "企业名称", "Enterprise name"},
	{"cert.reapply_note",
	    "重新申请证书：新证书签发后，本账户原有的有效证书将被废除。",
	    "Re-apply: when the new certificate is issued, this account's "
	    "previous valid certificates are revoked."},
	{"cert.serial", "序列号", "Serial number"},
	{"cert.status", "状态", "Status"},
	{"cert.uscc", "企业代码", "Enterprise code"},
	{"cert.username", "用户名", "Username"},
	{"cert.validity", "有效期", "Validity"},
	{"done.back", "返回数据报送系统", "Back to the reporting system"},
	{"done.fingerprint", "SM3 指纹", "SM3 fingerprint"},
	{"done.heading", "下载成功", "Download complete"},
	{"done.intro",
	    "证书申请安装操作已经完成，证书基本信息如下。",
	    "The certificate has been issued and installed. Its basic "
	    "information:"},
	{"done.next",
	    "请返回数据报送系统登录页面，输入用户名和密码后在弹出的证书选择框"
	    "中选择该证书，点击“确定”登录直报系统。使用证书登录时请保证证书"
	    "助手在后台运行。",
	    "Go back to the reporting system's login page, enter your "
	    "username and password, pick this certificate in the certificate "
	    "window and confirm. Keep the certificate helper running while "
	    "you use the certificate."},
	{"done.subject", "主题", "Subject"},
	{"done.wait",
	    "正在加载证书信息……如果页面没有自动跳转，请点击“继续”。",
	    "Loading the certificate information... If nothing happens, "
	    "click Continue."},
	{"error.back", "返回首页", "Back to the home page"},
	{"error.heading", "无法完成您的请求", "Your request could not be completed"},
	{"error.status", "状态码", "Status"},
	{"error.title", "出错了", "Error"},
	{"footer.copyright", "国家统计局 版权所有",
	    "National Bureau of Statistics of China"},
	{"footer.help", "使用中遇到问题，请查看帮助或联系当地统计机构。",
	    "If something does not work, see Help or contact your local "
	    "statistics office."},
	{"handoff.again",
	    "返回上一页，重新点击“下载证书”。",
	    "Go back and click Download certificate again."},
	{"handoff.back", "返回证书页面", "Back to the certificate page"},
	{"handoff.checking",
	    "正在连接证书助手……",
	    "Connecting to the certificate helper..."},
	{"handoff.continue", "继续", "Continue"},
	{"handoff.heading", "下载证书", "Download certificate"},
	{"handoff.note",
	    "若页面没有自动跳转到证书助手，请点击“继续”。",
	    "If the certificate helper does not open by itself, click "
	    "Continue."},
	{"handoff.sending",
	    "证书助手已运行，正在转到证书助手……",
	    "The certificate helper is running; handing over..."},
	{"hc.back_cert", "返回证书详情",
	    "Back to the certificate"},
	{"hc.back_list", "返回证书列表",
	    "Back to the list"},
	{"hc.back_service", "返回在线服务系统",
	    "Back to the online service"},
	{"hc.cancel", "取消",
	    "Cancel"},
	{"hc.cert.heading", "证书详情",
	    "Certificate details"},
	{"hc.clear.done", "身份认证信息已清除",
	    "Identity choices cleared"},
	{"hc.clear.done_msg", "已清除身份认证信息。请关闭浏览器，重新登录联网直报系统，在弹出的证书选择框中选择与登录用户名对应的证书。",
	    "The remembered certificate choices are cleared. Close the browser, log in to the reporting system again and choose the certificate that belongs to the user name."},
	{"hc.clear.explain", "若同一台电脑存在多张证书，需切换其他证书时，请清除身份认证信息：证书助手将忘记为各联网直报系统记住的证书选择，下次登录时重新弹出证书选择框。证书和密钥不会被删除。",
	    "When this computer holds several certificates and you want to use another one, clear the identity choices: certhelper forgets the certificate remembered for each reporting system and asks again at the next login. No certificate or key is deleted."},
	{"hc.col.id", "证书ID",
	    "Certificate ID"},
	{"hc.col.issuer", "颁发者",
	    "Issuer"},
	{"hc.col.local", "本地状态",
	    "Local status"},
	{"hc.col.not_after", "有效期至",
	    "Valid until"},
	{"hc.col.not_before", "生效时间",
	    "Valid from"},
	{"hc.col.org", "企业名称",
	    "Enterprise name"},
	{"hc.col.serial", "序列号",
	    "Serial number"},
	{"hc.col.service", "下载自",
	    "Downloaded from"},
	{"hc.col.sha256", "SHA-256 指纹",
	    "SHA-256 fingerprint"},
	{"hc.col.sm3", "SM3 指纹",
	    "SM3 fingerprint"},
	{"hc.col.subject", "主题",
	    "Subject"},
	{"hc.col.uscc", "企业代码",
	    "Enterprise code"},
	{"hc.col.user", "用户名",
	    "User name"},
	{"hc.col.valid", "有效期",
	    "Validity"},
	{"hc.console.locked", "请从证书助手打开控制台",
	    "Open the console from certhelper"},
	{"hc.console.locked_note", "证书管理页面只能通过证书助手打开。请在本机执行：",
	    "The certificate management pages open only through certhelper. Run on this computer:"},
	{"hc.console.locked_why", "每次启动证书助手都会生成新的访问口令，其他网页无法操作证书管理页面。",
	    "Each start of certhelper makes a new access token, so no other web page can drive these pages."},
	{"hc.console.none", "本机尚未安装证书。请在在线服务系统中申请并下载证书。",
	    "No certificate on this computer yet. Apply for and download one on the online service."},
	{"hc.delete.button", "删除证书",
	    "Delete certificate"},
	{"hc.delete.confirm", "确定要从本机删除该证书及其密钥吗？删除后无法恢复，如需再次使用请重新申请证书。",
	    "Delete this certificate and its key from this computer? This cannot be undone: to use it again, re-apply for a certificate."},
	{"hc.delete.done", "证书已删除",
	    "Certificate deleted"},
	{"hc.delete.heading", "删除证书",
	    "Delete certificate"},
	{"hc.details", "详情",
	    "Details"},
	{"hc.enroll.failed", "下载失败",
	    "Download failed"},
	{"hc.enroll.ok", "下载成功",
	    "Download complete"},
	{"hc.enroll.ok_note", "证书已下载并安装到本机证书助手中，密钥在本机生成，不会离开本机。",
	    "The certificate is downloaded and installed in certhelper; its key was made on this computer and never leaves it."},
	{"hc.enroll.untrusted", "证书链不受信任",
	    "Certificate chain not trusted"},
	{"hc.env.all_ok", "检查完成，未发现问题。",
	    "All checks passed."},
	{"hc.env.bad", "异常",
	    "Problem"},
	{"hc.env.certs", "本机证书可读",
	    "Certificates readable"},
	{"hc.env.detail", "说明",
	    "Detail"},
	{"hc.env.item", "检查项",
	    "Check"},
	{"hc.env.keystore", "证书库目录",
	    "Keystore folder"},
	{"hc.env.missing", "不存在",
	    "missing"},
	{"hc.env.ok", "正常",
	    "OK"},
	{"hc.env.port", "本机端口",
	    "Local port"},
	{"hc.env.repair", "一键修复",
	    "Repair"},
	{"hc.env.repair_note", "修复只在本机进行：创建缺失的目录，收回证书库中其他用户的访问权限，并重新读取配置和根证书。不会下载或删除任何证书和密钥。根证书不一致时请重新执行 certhelper setup。",
	    "The repair works on this computer only: it creates missing folders, takes other users' access off the keystore and re-reads the configuration and the root. It downloads and deletes nothing; for a wrong root run certhelper setup again."},
	{"hc.env.repair_what", "一键修复：创建缺失的目录，把证书库的权限改为仅本用户可访问，重新读取配置和根证书。不会下载或删除任何证书和密钥。",
	    "Repair creates missing folders, makes the keystore private to you and re-reads the configuration and the root. It downloads and deletes nothing."},
	{"hc.env.repaired", "修复完成",
	    "Repair done"},
	{"hc.env.result", "结果",
	    "Result"},
	{"hc.env.root", "根证书已固定",
	    "Root certificate pinned"},
	{"hc.env.root_match", "在线服务的根证书与固定的一致",
	    "The service's root is the pinned one"},
	{"hc.env.service", "在线服务可访问",
	    "Online service reachable"},
	{"hc.env.some_bad", "发现问题，请查看下表，可点击“一键修复”。",
	    "Problems found: see below, or click Repair."},
	{"hc.error", "出错了",
	    "Something went wrong"},
	{"hc.footer", "证书助手-统计局专版 · 仅在本机 127.0.0.1 上提供服务",
	    "certhelper (NBS edition) · served on this computer (127.0.0.1) only"},
	{"hc.forbidden", "请求被拒绝",
	    "Request refused"},
	{"hc.home", "证书助手",
	    "certhelper"},
	{"hc.home.console", "打开证书管理：",
	    "To open certificate management:"},
	{"hc.home.heading", "证书助手正在运行",
	    "certhelper is running"},
	{"hc.home.running", "版本",
	    "Version"},
	{"hc.login.bad", "登录请求无效",
	    "Invalid login request"},
	{"hc.login.bad_msg", "联网直报系统发来的登录请求格式错误（挑战值或用户名无效）。请返回直报系统重新登录。",
	    "The reporting system's login request is malformed (challenge or user name). Go back to the reporting system and log in again."},
	{"hc.login.continue", "继续",
	    "Continue"},
	{"hc.login.foreign_msg", "请求不是来自证书助手自己的页面。",
	    "The request does not come from the helper's own page."},
	{"hc.login.heading", "客户身份验证",
	    "Client authentication"},
	{"hc.login.intro", "以下联网直报系统请求验证您的身份：",
	    "This reporting system asks to verify your identity:"},
	{"hc.login.none", "本机没有可用于登录的证书。",
	    "No certificate on this computer can be used to log in."},
	{"hc.login.pin", "证书口令",
	    "Certificate PIN"},
	{"hc.login.pin_note", "（仅当所选证书设置了口令时需要）",
	    "(only when the chosen certificate has a PIN)"},
	{"hc.login.pin_wrong", "口令错误",
	    "Wrong PIN"},
	{"hc.login.posting", "正在返回联网直报系统：",
	    "Returning to the reporting system:"},
	{"hc.login.remember", "记住此系统的选择",
	    "Remember the choice for this system"},
	{"hc.login.stale_msg", "身份验证窗口已失效，请返回联网直报系统重新登录。",
	    "The authentication window has expired. Go back to the reporting system and log in again."},
	{"hc.login.unknown_rp", "未登记的直报系统",
	    "Unregistered reporting system"},
	{"hc.login.unknown_rp_msg", "该联网直报系统未在在线服务登记，证书助手不为其验证身份。",
	    "This reporting system is not registered with the service; the helper does not authenticate to it."},
	{"hc.login.user", "登录用户名",
	    "User name"},
	{"hc.login.validity", "有效期",
	    "Validity"},
	{"hc.nav.certs", "证书管理",
	    "Certificates"},
	{"hc.nav.clear", "清除身份认证信息",
	    "Clear identity choices"},
	{"hc.nav.env", "环境检查",
	    "Environment check"},
	{"hc.nav.label", "证书助手菜单",
	    "certhelper menu"},
	{"hc.nav.org", "企业信息",
	    "Enterprise information"},
	{"hc.ok", "确定",
	    "OK"},
	{"hc.org.count", "证书数量",
	    "Certificates"},
	{"hc.org.note", "企业信息取自本机证书；以在线服务系统中的登记为准。",
	    "Taken from the certificates on this computer; the online service's records prevail."},
	{"hc.revoked.deleted", "本机证书已删除",
	    "Local certificate deleted"},
	{"hc.revoked.kept", "本机证书未删除",
	    "Local certificate kept"},
	{"hc.revoked.none", "本机没有该证书",
	    "No such certificate here"},
	{"hc.status.check", "在线状态查询",
	    "Check online status"},
	{"hc.status.good", "正常",
	    "Good"},
	{"hc.status.heading", "证书状态",
	    "Certificate status"},
	{"hc.status.note", "在线状态由在线服务的 OCSP 应答给出，证书助手已核验其签名。",
	    "The online status is the service's OCSP answer; certhelper checked its signature."},
	{"hc.status.online", "在线状态",
	    "Online status"},
	{"hc.status.reason", "废除原因",
	    "Reason"},
	{"hc.status.revoked", "已废除",
	    "Revoked"},
	{"hc.status.revoked_at", "废除时间",
	    "Revoked at"},
	{"hc.status.this_update", "应答时间",
	    "Answer time"},
	{"hc.status.unknown", "未知",
	    "Unknown"},
	{"hc.title", "证书助手",
	    "certhelper"},
	{"help.a1",
	    "证书丢失或损坏时需要重新申请，例如电脑重新安装了操作系统导致证书"
	    "丢失，或者由于病毒、其他软件把证书损坏；证书已过期或即将到期时也"
	    "应重新申请。",
	    "Re-apply when the certificate is lost or damaged (for example "
	    "after reinstalling the operating system, or when a virus or "
	    "other software damaged it), and when it has expired or is about "
	    "to expire."},
	{"help.a2",
	    "点击页面右上方的“重新申请证书”，输入用户名、密码和验证码，点击"
	    "“登录”，然后点击“下载证书”，步骤与申请证书相同。新证书签发后"
	    "，原有证书自动废除。",
	    "Click Re-apply for a certificate at the top right, enter your "
	    "username, password and the captcha, click Log in, then click "
	    "Download certificate - the same steps as a first application. "
	    "When the new certificate is issued the old one is revoked."},
	{"help.a3",
	    "打开证书助手（点击桌面或任务栏上的证书助手图标，选择“显示”），"
	    "选择“证书管理”，即可查看本机已安装证书的详情。",
	    "Open the certificate helper (its icon on the desktop or in the "
	    "panel, then Show) and choose Certificate management to see the "
	    "certificates installed on this computer."},
	{"help.a4_1",
	    "打开证书助手，选择“证书管理”，点击“清除身份认证信息”。",
	    "Open the certificate helper, choose Certificate management and "
	    "click Clear authentication choice."},
	{"help.a4_2",
	    "打开直报系统登录页面，输入用户名、密码及验证码，点击“登录”。",
	    "Open the reporting system's login page, enter your username, "
	    "password and captcha, and log in."},
	{"help.a4_3",
	    "在弹出的证书选择框中，选择与登录用户名对应的证书。",
	    "In the certificate window, pick the certificate that belongs to "
	    "the username you logged in with."},
	{"help.a5",
	    "这通常是证书助手没有运行或本机证书环境异常。",
	    "Usually the certificate helper is not running, or the "
	    "certificate environment on this computer is broken."},
	{"help.a5_1",
	    "证书助手修复：打开证书助手，选择“环境修复”，点击“环境检查”，"
	    "再点击“一键修复”，修复完成后可以看到修复结果。如果证书助手没有"
	    "运行，请执行 certhelper start；尚未安装请先执行 certhelper insta"
	    "ll。",
	    "Repair with the helper: open the certificate helper, choose "
	    "Environment repair, click Check, then One-click repair and read "
	    "the result. If the helper is not running, run certhelper start; "
	    "if it is not installed, run certhelper install first."},
	{"help.a5_2",
	    "在证书助手的“证书管理”中点击“清除身份认证信息”，然后关闭浏览"
	    "器，重新登录直报系统。",
	    "In the helper's Certificate management, click Clear "
	    "authentication choice, close the browser and log in to the "
	    "reporting system again."},
	{"help.a6",
	    "根据标准规定，证书的有效期为三年。有效期满或将满时，系统会提示“"
	    "证书已过期”或“您的证书即将到期”，此时请重新申请证书。",
	    "Certificates are valid for three years. When a certificate has "
	    "expired or is about to, the system says so; re-apply for a "
	    "certificate."},
	{"help.a7",
	    "您所选择的证书与登录直报系统的用户名不一致。请检查所选证书是否为"
	    "向联网直报系统报送数据所用账户的证书，并核实企业账户信息；需要时"
	    "先清除身份认证信息再重新选择。",
	    "The certificate you picked does not belong to the username you "
	    "logged in with. Check that it is the certificate of the account "
	    "you report with, check the account details, and if needed clear "
	    "the authentication choice and pick again."},
	{"help.a8",
	    "在临时使用的计算机（如网吧中的计算机）上安装企业证书并报送数据后"
	    "，为保护企业数据安全，请务必废除该证书；证书丢失或怀疑被他人使用"
	    "时也应废除。",
	    "After installing your enterprise's certificate on a computer "
	    "you use only temporarily (an internet cafe, a borrowed "
	    "computer) and reporting, revoke it to protect your enterprise's "
	    "data; also revoke it when it is lost or may be used by someone "
	    "else."},
	{"help.a9_1",
	    "点击页面右上方的“废除证书”，输入用户名、密码和验证码后点击“登"
	    "录”。",
	    "Click Revoke certificate at the top right, enter your username, "
	    "password and captcha and log in."},
	{"help.a9_2",
	    "在“废除证书”页面中，点击要废除证书的“废除”按钮。",
	    "On the Revoke certificate page, click Revoke next to the "
	    "certificate."},
	{"help.a9_3",
	    "在弹出的“废除证书”确认框中点击“确定”，页面显示“证书已废除”"
	    "。若该计算机上的证书助手正在运行，它会同时删除本机保存的该证书及"
	    "密钥。",
	    "Confirm with OK in the dialog; the page says the certificate is "
	    "revoked. If the certificate helper runs on that computer, it "
	    "also deletes the certificate and its key there."},
	{"help.a9_note",
	    "提示：若想重新下载证书，请参照“申请证书”重新下载。",
	    "To get a certificate again, apply again as for a first "
	    "certificate."},
	{"help.helper_a1",
	    "证书助手（“证书助手-统计局专版”）在您的计算机上生成并保存密钥"
	    "和证书，申请证书、登录直报系统时都需要它在后台运行。安装后它已配"
	    "置为登录桌面时自动启动，无需手动启动。",
	    "The certificate helper generates and keeps your keys and "
	    "certificates on your computer; it must run in the background "
	    "when you apply for a certificate and when you log in to a "
	    "reporting system. Once installed it starts by itself when you "
	    "log in to the desktop."},
	{"help.helper_a2",
	    "证书不保存在浏览器中，而保存在证书助手中。使用证书登录时，请务必"
	    "保证证书助手在后台运行。",
	    "Certificates are not kept in the browser but in the certificate "
	    "helper: keep it running when you log in with a certificate."},
	{"help.helper_q",
	    "如何安装和启动证书助手？",
	    "How do I install and start the certificate helper?"},
	{"help.intro", "常见问题解决方法。", "Answers to common questions."},
	{"help.q1",
	    "何时需要重新申请自己的数字证书？",
	    "When do I need to re-apply for my certificate?"},
	{"help.q2",
	    "如何重新申请证书？",
	    "How do I re-apply for a certificate?"},
	{"help.q3",
	    "如何在本机查看已经申请的数字证书？",
	    "How do I see the certificates on this computer?"},
	{"help.q4",
	    "电脑中有多张证书如何切换？",
	    "There are several certificates on this computer. How do I "
	    "switch?"},
	{"help.q5",
	    "点击“数据报送”时未弹出“客户身份验证”窗口，直接提示“该页无法"
	    "显示”？",
	    "The 客户身份验证 window did not appear and the browser says the "
	    "page cannot be displayed (该页无法显示)?"},
	{"help.q6",
	    "进行数据报送时，选择证书提交后系统提示“证书已过期”或“您的证书"
	    "即将到期”，怎么办？",
	    "The system says the certificate has expired (证书已过期) or expi"
	    "res soon (您的证书即将到期). What now?"},
	{"help.q7",
	    "选择证书后，提示“该证书与用户名不匹配”，怎么办？",
	    "After picking a certificate, the system says it does not match t"
	    "he username (该证书与用户名不匹配)?"},
	{"help.q8",
	    "什么情况下需要废除证书？",
	    "When should I revoke a certificate?"},
	{"help.q9", "如何废除证书？", "How do I revoke a certificate?"},
	{"help.toc", "常见问题", "Frequently asked questions"},
	{"helper.checking",
	    "正在检测证书助手……",
	    "Checking for the certificate helper..."},
	{"helper.heading", "证书助手", "Certificate helper"},
	{"helper.install1",
	    "下载并安装证书助手客户端（统计局专用版），然后执行：",
	    "Download and install the certificate helper, then run:"},
	{"helper.install2",
	    "安装后证书助手已自启动；如果没有运行，请执行：",
	    "After installation the helper starts by itself; if it is not "
	    "running, run:"},
	{"helper.install3",
	    "证书助手运行后，刷新本页。",
	    "When the helper is running, reload this page."},
	{"helper.install_heading",
	    "如何安装和启动证书助手",
	    "How to install and start the certificate helper"},
	{"helper.missing",
	    "证书助手未运行",
	    "The certificate helper is not running"},
	{"helper.missing_detail",
	    "下载证书需要本机的证书助手。请按以下步骤安装并启动证书助手；已安"
	    "装仍无法连接时，请使用证书助手的“环境修复”。",
	    "Downloading a certificate needs the certificate helper on this "
	    "computer. Install and start it as below; if it is installed but "
	    "cannot be reached, use its Environment repair."},
	{"helper.ok",
	    "证书助手已运行，可以下载证书。",
	    "The certificate helper is running: you can download the "
	    "certificate."},
	{"helper.repair",
	    "已安装但仍无法连接（浏览器提示“该页无法显示”）时：打开证书助手"
	    "，选择“环境修复”，点击“环境检查”，再点击“一键修复”。",
	    "Installed but still unreachable (the browser says the page "
	    "cannot be displayed)? Open the certificate helper, choose "
	    "Environment repair, click Check, then One-click repair."},
	{"lang.switch", "English", "中文"},
	{"lang.switch_title", "Switch to English", "切换到中文"},
	{"login.captcha", "验证码", "Captcha"},
	{"login.captcha_alt", "验证码图片", "Captcha image"},
	{"login.captcha_used",
	    "验证码已使用，请刷新验证码",
	    "captcha already used, please refresh it"},
	{"login.intro_apply",
	    "请输入用户名、密码和验证码，点击“登录”，进入证书下载页面。",
	    "Enter your username, password and the captcha and log in to "
	    "reach the certificate download page."},
	{"login.intro_reapply",
	    "重新申请证书：登录后下载新证书，原有证书将被废除。",
	    "Re-apply: after logging in, download a new certificate; the "
	    "previous one will be revoked."},
	{"login.intro_revoke",
	    "废除证书：请输入用户名、密码和验证码，点击“登录”。",
	    "Revoke a certificate: enter your username, password and the "
	    "captcha and log in."},
	{"login.password", "密码", "Password"},
	{"login.refresh", "刷新", "Refresh"},
	{"login.submit", "登录", "Log in"},
	{"login.username", "用户名", "Username"},
	{"logout", "退出登录", "Log out"},
	{"nav.apply", "申请证书", "Apply for a certificate"},
	{"nav.download", "下载证书", "Download certificate"},
	{"nav.help", "帮助", "Help"},
	{"nav.home", "首页", "Home"},
	{"nav.label", "主导航", "Main navigation"},
	{"nav.reapply", "重新申请证书", "Re-apply for a certificate"},
	{"nav.revoke", "废除证书", "Revoke certificate"},
	{"nav.service_label", "证书服务", "Certificate services"},
	{"nav.status", "证书状态查询", "Certificate status"},
	{"portal.apply_desc",
	    "首次申请并下载证书",
	    "Apply for and download your first certificate"},
	{"portal.download_desc",
	    "同方系统用户的“下载证书”入口，与申请证书相同",
	    "Same as Apply, named Download for 同方 system users"},
	{"portal.heading", "企业用户入口", "Enterprise user entry"},
	{"portal.help_desc", "常见问题解决方法", "Answers to common questions"},
	{"portal.hint",
	    "提示:若您所填报的直报网址不在列表中,请联系当地统计局询问所需填报"
	    "的网址",
	    "Note: if the reporting site you report to is not in the list, "
	    "ask your local statistics bureau for its address."},
	{"portal.intro",
	    "请选择您所要填报的直报类型及系统入口（万峰入口、同方入口），自建"
	    "省用户请选择所在省份进行填报。",
	    "Choose the reporting type and the system entry you report to (万"
	    "峰 or 同方 entry); users of a province's own system choose their"
	    " province."},
	{"portal.none",
	    "目前没有登记的直报系统。",
	    "No reporting system is registered yet."},
	{"portal.provinces",
	    "自建省用户请选择所在省份：",
	    "Provinces with their own system:"},
	{"portal.reapply_desc",
	    "证书丢失、损坏或到期时重新申请",
	    "When a certificate is lost, damaged or expiring"},
	{"portal.revoke_desc",
	    "在临时计算机上使用证书后废除",
	    "After using a certificate on a temporary computer"},
	{"portal.services", "证书服务", "Certificate services"},
	{"portal.status_desc",
	    "按序列号查询证书状态",
	    "Look up a certificate's status by serial number"},
	{"portal.tongfang", "同方入口", "同方 entry"},
	{"portal.type_other", "其他", "Other"},
	{"portal.wanfeng", "万峰入口", "万峰 entry"},
	{"revoke.action", "操作", "Action"},
	{"revoke.again",
	    "提示:若想重新下载,可参照申请证书重新下载。",
	    "To get a certificate again, apply again."},
	{"revoke.button", "废除", "Revoke"},
	{"revoke.cancel", "取消", "Cancel"},
	{"revoke.confirm_heading", "废除证书确认", "Confirm revocation"},
	{"revoke.confirm_note",
	    "废除后该证书不能再用于登录直报系统，此操作不能撤销。",
	    "A revoked certificate can no longer be used to log in; this "
	    "cannot be undone."},
	{"revoke.confirm_text",
	    "确定要废除以下证书吗？序列号：",
	    "Revoke this certificate? Serial number:"},
	{"revoke.done_heading", "证书已废除", "Certificate revoked"},
	{"revoke.done_helper",
	    "若该证书安装在本计算机上，证书助手将删除本机保存的证书及密钥。",
	    "If the certificate is installed on this computer, the "
	    "certificate helper deletes it and its key here."},
	{"revoke.done_local",
	    "本机证书助手已处理该证书。",
	    "The certificate helper on this computer has handled the "
	    "certificate."},
	{"revoke.done_text",
	    "废除证书操作已成功完成。序列号：",
	    "The certificate has been revoked. Serial number:"},
	{"revoke.helper_button",
	    "通知本机证书助手删除该证书",
	    "Tell the certificate helper here to delete it"},
	{"revoke.helper_checking",
	    "正在检测本机证书助手……",
	    "Checking for the certificate helper on this computer..."},
	{"revoke.helper_missing",
	    "本机证书助手未运行：本机没有需要删除的证书，或请启动证书助手后点"
	    "击下面的按钮。",
	    "The certificate helper is not running here: either nothing is "
	    "stored on this computer, or start it and click the button below."},
	{"revoke.helper_ok",
	    "正在通知本机证书助手……",
	    "Telling the certificate helper on this computer..."},
	{"revoke.intro",
	    "在临时计算机（如网吧中的计算机）上使用证书后，请废除该证书。点击"
	    "“废除”按钮后确认。",
	    "After using a certificate on a temporary computer (an internet "
	    "cafe), revoke it: click Revoke and confirm."},
	{"revoke.ok", "确定", "OK"},
	{"revoke.valid_until", "有效期至", "Valid until"},
	{"rs.again", "重新登录", "Log in again"},
	{"rs.cancelled", "您已取消身份验证", "You cancelled the authentication"},
	{"rs.cancelled_msg", "未选择证书，未登录。如需登录，请重新输入用户名和密码。",
	    "No certificate was chosen, so you are not logged in. To log in, enter your username and password again."},
	{"rs.enter", "进入直报系统", "Enter the reporting system"},
	{"rs.entered", "登录成功", "Logged in"},
	{"rs.err.heading", "登录失败", "Login failed"},
	{"rs.footer", "示例联网直报系统（CertHelper 项目的演示程序）：用户名和密码之后，以数字证书确认身份。",
	    "Sample online reporting system (a CertHelper demo program): after the username and password, a digital certificate confirms who you are."},
	{"rs.form_stale", "表单已失效，请刷新页面后重试",
	    "The form has expired; reload the page and try again"},
	{"rs.hint.CHALLENGE", "身份验证窗口打开时间过长，或同一次验证被重复提交。请重新输入用户名和密码登录。",
	    "The authentication window stayed open too long, or the same answer was submitted twice. Log in with your username and password again."},
	{"rs.hint.EXPIRED", "根据标准规定，证书的有效期为三年，有效期满后应重新申请证书：在在线服务系统中点击“重新申请证书”。",
	    "Certificates are valid for three years; after that, apply again: click Re-apply certificate in the online service."},
	{"rs.hint.NOT_YET_VALID", "证书的有效期尚未开始。请检查本机时间是否正确。",
	    "The certificate's validity has not started yet. Check this computer's clock."},
	{"rs.hint.REVOCATION_UNKNOWN", "暂时无法查询证书状态，请稍后再试。",
	    "The certificate's status cannot be checked right now; try again later."},
	{"rs.hint.REVOKED", "该证书已被废除，不能再用于登录。请在在线服务系统中重新申请证书。",
	    "This certificate has been revoked and can no longer log in. Apply for a new one in the online service."},
	{"rs.hint.UNTRUSTED", "所选证书不是由统计局证书系统签发的，请选择本系统的证书。",
	    "The chosen certificate was not issued by the statistics certificate system; choose one of ours."},
	{"rs.hint.USERNAME", "您提供的证书信息与您登录应用系统的用户信息不一致，请检查您提交的证书是否为向联网直报系统报送数据的证书，并核实企业账户信息。如本机有多张证书，可在证书助手中点击“清除身份认证信息”后重新登录，选择与用户名对应的证书。",
	    "The certificate does not belong to the user you logged in as. Check that you chose the certificate for reporting to this system and verify the enterprise account. With several certificates on this computer, click Clear authentication data in the certificate helper and log in again, choosing the certificate for your username."},
	{"rs.home.checked", "有效（已在线查询证书状态）", "Valid (status checked online)"},
	{"rs.home.days_left", "剩余天数", "Days left"},
	{"rs.home.expiring", "您的证书即将到期", "Your certificate expires soon"},
	{"rs.home.expiring_note", "证书有效期满后将无法登录，请及时在在线服务系统中重新申请证书。",
	    "After it expires you cannot log in: apply for a new certificate in the online service in time."},
	{"rs.home.heading", "直报系统", "Online reporting"},
	{"rs.home.logout", "退出", "Log out"},
	{"rs.home.note", "以上信息来自您登录时所选的数字证书。", "The details above come from the certificate you logged in with."},
	{"rs.home.org", "企业名称", "Enterprise name"},
	{"rs.home.reapply", "重新申请证书", "Re-apply certificate"},
	{"rs.home.serial", "证书序列号", "Certificate serial number"},
	{"rs.home.status", "证书状态", "Certificate status"},
	{"rs.home.unchecked", "有效（未查询吊销状态）", "Valid (revocation not checked)"},
	{"rs.home.uscc", "统一社会信用代码", "Unified social credit code"},
	{"rs.home.validity", "证书有效期", "Certificate validity"},
	{"rs.home.welcome", "欢迎您，", "Welcome,"},
	{"rs.login.apply", "还没有证书？申请证书", "No certificate yet? Apply for one"},
	{"rs.login.failed", "用户名或密码错误", "Wrong username or password"},
	{"rs.login.heading", "用户登录", "Log in"},
	{"rs.login.help", "帮助", "Help"},
	{"rs.login.locked", "密码错误次数过多，账户已被锁定，请稍后再试",
	    "Too many wrong passwords: the account is locked; try again later"},
	{"rs.login.note", "登录需要数字证书：输入用户名和密码后，证书助手将弹出“客户身份验证”窗口，请选择与用户名对应的证书，点击“确定”。",
	    "Logging in needs a digital certificate: after your username and password, the certificate helper opens the Client authentication window; choose the certificate for your username and click OK."},
	{"rs.login.password", "密码", "Password"},
	{"rs.login.rate", "尝试次数过多，请稍后再试", "Too many attempts; try again later"},
	{"rs.login.submit", "登录", "Log in"},
	{"rs.login.username", "用户名", "Username"},
	{"rs.start.checking", "正在连接证书助手……", "Contacting the certificate helper..."},
	{"rs.start.continue", "打开客户身份验证窗口", "Open the Client authentication window"},
	{"rs.start.fix1", "确认本机已安装并启动证书助手；打开证书助手，选择“环境检查”，点击“一键修复”。",
	    "Make sure the certificate helper is installed and running; open it, choose Environment check and click Repair."},
	{"rs.start.fix2", "在证书助手的“证书管理”中点击“清除身份认证信息”，然后关闭浏览器重新登录直报系统。",
	    "In the helper's Certificate management, click Clear authentication data, then close the browser and log in again."},
	{"rs.start.heading", "客户身份验证", "Client authentication"},
	{"rs.start.help", "查看帮助（常见问题 5）", "Help (FAQ 5)"},
	{"rs.start.missing", "未检测到证书助手", "The certificate helper was not found"},
	{"rs.start.missing_intro", "没有弹出“客户身份验证”窗口，或浏览器提示“该页无法显示”时，请按以下方法解决：",
	    "If the Client authentication window does not appear, or the browser says the page cannot be displayed:"},
	{"rs.start.ok", "证书助手已启动，正在打开“客户身份验证”窗口……",
	    "The certificate helper is running; opening the Client authentication window..."},
	{"site.skip", "跳到主要内容", "Skip to main content"},
	{"site.title", "国家统计局在线服务系统", "NBS Online Service System"},
	{"status.bad_serial",
	    "序列号格式错误：请输入十六进制的证书序列号",
	    "Malformed serial number: enter the certificate's serial in "
	    "hexadecimal"},
	{"status.expired", "已过期", "Expired"},
	{"status.good", "正常", "Valid"},
	{"status.intro",
	    "输入证书序列号（十六进制，可从证书助手的证书详情中复制），查询证"
	    "书状态。",
	    "Enter a certificate's serial number (hexadecimal, as shown in "
	    "the certificate helper) to see its status."},
	{"status.not_yet", "尚未生效", "Not yet valid"},
	{"status.reason", "原因：", "reason:"},
	{"status.revoked", "已废除", "Revoked"},
	{"status.revoked_at", "废除时间：", "revoked at"},
	{"status.submit", "查询", "Look up"},
	{"status.unknown", "未知", "Unknown"},
	{"status.unknown_detail",
	    "本系统没有签发过该序列号的证书。",
	    "This service has not issued a certificate with this serial "
	    "number."},
	{"status.valid_until", "有效期至：", "valid until"},
	{"steps.download",
	    "登录后页面显示企业代码及企业名称等基本信息，点击“下载证书”，证"
	    "书助手在本机生成密钥并下载证书。",
	    "After login the page shows your enterprise code and name; click "
	    "Download certificate and the helper generates the key here and "
	    "downloads the certificate."},
	{"steps.heading", "证书申请步骤", "How to apply"},
	{"steps.install",
	    "下载并安装“证书助手-统计局专版”：",
	    "Install the certificate helper:"},
	{"steps.install_after",
	    "安装成功后证书助手已自启动，并已配置开机自启，无需手动启动。",
	    "Once installed it is running and starts by itself at every "
	    "login."},
	{"steps.login",
	    "在本页输入用户名、密码和验证码，点击“登录”。",
	    "Enter your username, password and the captcha on this page and "
	    "log in."},
	{"steps.more",
	    "证书助手的安装与常见问题",
	    "Installing the helper, and common questions"},
	{"steps.note",
	    "证书不保存在浏览器中，而保存在证书助手中；使用证书登录时请务必保"
	    "证证书助手在后台运行。",
	    "Certificates are kept in the certificate helper, not in the "
	    "browser: keep it running when you log in with a certificate."},
	{"steps.read",
	    "首次申请证书时，请先阅读注意事项及证书申请步骤。",
	    "Applying for the first time? Read these steps first."},
	{"steps.success",
	    "下载成功后证书助手弹出“下载成功”确认框，点击“确定”，页面显示"
	    "证书基本信息。",
	    "When the download succeeds the helper says so (下载成功); click "
	    "OK and this site shows the certificate's basic information."},
	{"time.zone", "（北京时间）", "(Beijing time, UTC+8)"},
};

static int
msg_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct msg *)elem)->key);
}

const char *
svc_t(const char *lang, const char *key)
{
	const struct msg *m;

	if (key == NULL)
		return "";
	m = bsearch(key, msgs, sizeof(msgs) / sizeof(msgs[0]), sizeof(msgs[0]),
	    msg_cmp);
	if (m == NULL)
		return key;
	return lang != NULL && strcmp(lang, "en") == 0 ? m->en : m->zh;
}
