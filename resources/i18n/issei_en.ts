<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ja_JP">
<context>
    <name>AlarmBanner</name>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="59"/>
        <location filename="../../widgets/alarm_banner.py" line="93"/>
        <location filename="../../widgets/alarm_banner.py" line="109"/>
        <source>確認しました</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="60"/>
        <source>Jアラートの警報を確認する</source>
        <translation>Acknowledge the J-Alert alarm</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="78"/>
        <source>（受信機のテスト）</source>
        <translation> (receiver test)</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="80"/>
        <source>Jアラート受信 {time}&#x3000;{title}{test}</source>
        <translation>J-Alert received {time}   {title}{test}</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="82"/>
        <source>接点入力</source>
        <translation>contact input</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="83"/>
        <source>受信機のメール</source>
        <translation>receiver e-mail</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="83"/>
        <source>試験</source>
        <translation>test</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="86"/>
        <source>受信: {source}</source>
        <translation>Received via: {source}</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="89"/>
        <source>防災無線の手動放送は停止中です（Jアラート優先）。確認すると再開できます。</source>
        <translation>Manual broadcasts on the disaster radio are stopped (J-Alert has priority). Acknowledge to resume them.</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="91"/>
        <source>テストのため、手動放送は止めていません。</source>
        <translation>This is a test: manual broadcasts were not stopped.</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="99"/>
        <source>記録しています…</source>
        <translation>Saving…</translation>
    </message>
</context>
<context>
    <name>ApprovalsPanel</name>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="48"/>
        <source>承認されました</source>
        <translation>approved</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="49"/>
        <source>却下されました</source>
        <translation>rejected</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="50"/>
        <source>承認を省略して配信されました</source>
        <translation>sent without approval (emergency override)</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="116"/>
        <source>受付</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="116"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="116"/>
        <source>緊急度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="116"/>
        <source>媒体・宛先数</source>
        <translation>Media and recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="117"/>
        <source>依頼者（部署・端末）</source>
        <translation>Requested by (department, console)</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="117"/>
        <source>区分</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="130"/>
        <source>承認待ちの配信を選ぶと本文を表示します</source>
        <translation>Select a message awaiting approval to see its text</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="140"/>
        <source>理由（却下・緊急時の承認省略には必須。監査ログに残ります）</source>
        <translation>Reason (required to reject or for an emergency override; kept in the audit log)</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="142"/>
        <source>承認して配信</source>
        <translation>Approve and send</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="143"/>
        <location filename="../../widgets/approvals_panel.py" line="373"/>
        <source>却下</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="144"/>
        <source>緊急時の承認省略…</source>
        <translation>Emergency override…</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="174"/>
        <source>承認待ちを読めませんでした（{error}）</source>
        <translation>Could not read the approval queue ({error})</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="196"/>
        <source>訓練</source>
        <translation>Drill</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="196"/>
        <source>本番</source>
        <translation>LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="220"/>
        <source>承認待ちの配信が {n} 件あります</source>
        <translation>Messages awaiting approval: {n}</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="223"/>
        <source>承認待ちの配信はありません</source>
        <translation>No messages awaiting approval</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="261"/>
        <source>「{title}」は{state}（{by}）</source>
        <translation>“{title}” was {state} ({by})</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="264"/>
        <source> 理由: {note}</source>
        <translation> Reason: {note}</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="310"/>
        <source>自動配信の確認待ち（規則: {rule}）: {reason}</source>
        <translation>Automatic send awaiting confirmation (rule: {rule}): {reason}</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="312"/>
        <source>確認にはサインインが必要です</source>
        <translation>Sign in to confirm</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="315"/>
        <source>承認・却下にはサインインが必要です</source>
        <translation>Sign in to approve or reject</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="317"/>
        <source>{role}は承認できません（承認者・管理者のみ）</source>
        <translation>{role} cannot approve (approvers and administrators only)</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="320"/>
        <source>自分の配信は承認できません。別の承認者が承認してください</source>
        <translation>You cannot approve your own message. Another approver must approve it</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="359"/>
        <source>確認しました。自動配信を送ります</source>
        <translation>Confirmed. The automatic send goes out</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="361"/>
        <source>承認しました。配信を始めます</source>
        <translation>Approved. Sending starts</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="366"/>
        <source>{what}には理由を入力してください</source>
        <translation>A reason is required for “{what}”</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="379"/>
        <source>自動配信を見送りました。送られません</source>
        <translation>Automatic send skipped. It will not go out</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="383"/>
        <source>却下しました。この配信は送られません</source>
        <translation>Rejected. This message will not be sent</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="386"/>
        <source>緊急時の承認省略</source>
        <translation>Emergency override</translation>
    </message>
    <message>
        <location filename="../../widgets/approvals_panel.py" line="389"/>
        <source>承認を省略して配信を始めます（監査ログに記録しました）</source>
        <translation>Sending without approval (recorded in the audit log)</translation>
    </message>
</context>
<context>
    <name>AuditViewer</name>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="33"/>
        <source>番号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="33"/>
        <source>日時</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="34"/>
        <source>操作者</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="34"/>
        <source>端末</source>
        <translation>Console</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="35"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="35"/>
        <source>配信ID</source>
        <translation>Message ID</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="36"/>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="36"/>
        <source>ハッシュ</source>
        <translation>Hash</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="46"/>
        <source>監査ログ</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="49"/>
        <source>監査ログを読んでいます…</source>
        <translation>Reading the audit log…</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="71"/>
        <source>読み直す・検証する</source>
        <translation>Reload and verify</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="72"/>
        <source>CSVに書き出す（Excel用 CP932）…</source>
        <translation>Export CSV (CP932 for Excel)…</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="73"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="89"/>
        <source>監査ログを読めませんでした（{error}）</source>
        <translation>Could not read the audit log ({error})</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="100"/>
        <source>改ざん検出: 監査ログの記録が削除されています（{rows} 付近）</source>
        <translation>Tampering detected: audit log entries were deleted (near {rows})</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="103"/>
        <source>改ざん検出: 監査ログの {n} か所が記録時と一致しません（行番号 {rows}）</source>
        <translation>Tampering detected: {n} audit log entries no longer match what was recorded (rows {rows})</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="111"/>
        <source>改ざんなし: 全 {n} 件の記録のつながりを確かめました</source>
        <translation>No tampering: the chain of all {n} entries checks out</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="128"/>
        <source>新しい順に {shown} 件を表示（全 {total} 件）</source>
        <translation>Showing the newest {shown} of {total} entries</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="133"/>
        <source>監査ログの書き出し</source>
        <translation>Export the audit log</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="134"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="144"/>
        <source>書き出せませんでした: </source>
        <translation>Could not export: </translation>
    </message>
    <message>
        <location filename="../../widgets/audit_viewer.py" line="147"/>
        <source>書き出しました: {path}</source>
        <translation>Exported: {path}</translation>
    </message>
</context>
<context>
    <name>ComposerPanel</name>
    <message>
        <location filename="../../widgets/composer.py" line="82"/>
        <source>作成</source>
        <translation>Compose</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="94"/>
        <source>定型文を選ぶ</source>
        <translation>Choose a template</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="95"/>
        <source>定型文を選ぶと、項目を埋める画面が開きます（Ctrl+T）</source>
        <translation>Choosing a template opens a form for its blanks (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="101"/>
        <location filename="../../widgets/composer.py" line="102"/>
        <source>定型文の編集</source>
        <translation>Edit templates</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="108"/>
        <source>例: 避難指示の発令について</source>
        <translation>e.g. 避難指示の発令について</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="110"/>
        <source>住民に伝える内容を書いてください</source>
        <translation>Write what residents need to know</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="122"/>
        <source>空欄は全地区（例: 北地区, 南地区）</source>
        <translation>Empty means all areas (e.g. 北地区, 南地区)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="124"/>
        <source>訓練として送る（訓練用の受け口に記録）</source>
        <translation>Send as a drill (recorded by the drill sink)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="134"/>
        <source>定型文</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="135"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="136"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="139"/>
        <source>緊急度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="141"/>
        <source>カテゴリ</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="142"/>
        <source>地区</source>
        <translation>Areas</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="143"/>
        <source>言語</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="168"/>
        <location filename="../../widgets/composer.py" line="542"/>
        <source>一斉配信</source>
        <translation>Send to all</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="173"/>
        <source>確認画面を開きます（Ctrl+Enter）</source>
        <translation>Opens the confirmation (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="214"/>
        <source>配信する言語を選ぶ</source>
        <translation>Choose the languages to send</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="229"/>
        <source>翻訳…</source>
        <translation>Translate…</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="231"/>
        <source>訳を用意して確認します（Ctrl+Shift+L）</source>
        <translation>Prepare and review translations (Ctrl+Shift+L)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="245"/>
        <source>媒体と対象人数</source>
        <translation>Media and recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="285"/>
        <source>準備中</source>
        <translation>Coming soon</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="303"/>
        <source>音声（防災無線・電話）</source>
        <translation>Voice (disaster radio, phone)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="305"/>
        <source>音声合成</source>
        <translation>Text-to-speech</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="306"/>
        <source>録音</source>
        <translation>Recording</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="307"/>
        <source>音声の種類</source>
        <translation>Voice source</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="310"/>
        <source>音声…</source>
        <translation>Voice…</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="312"/>
        <source>録音、または読み上げの読みを確かめます</source>
        <translation>Record, or check how the text will be read out</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="349"/>
        <source>録音: {name}</source>
        <translation>Recording: {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="350"/>
        <source>録音がまだありません</source>
        <translation>No recording yet</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="352"/>
        <source>本文を読み上げます</source>
        <translation>The text is read out</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="361"/>
        <source>— 定型文を選ぶ —</source>
        <translation>— Choose a template —</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="369"/>
        <source>★ {name}</source>
        <translation>★ {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="412"/>
        <source>日本語＋{n}言語</source>
        <translation>Japanese + {n} languages</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="415"/>
        <source>日本語のみ</source>
        <translation>Japanese only</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="437"/>
        <source>✖ {lang}: 訳なし</source>
        <translation>✖ {lang}: no translation</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="439"/>
        <source>⚠ {lang}: 要再確認</source>
        <translation>⚠ {lang}: review again</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="441"/>
        <source>⚠ {lang}: 未確認</source>
        <translation>⚠ {lang}: not reviewed</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="529"/>
        <source>配信する媒体を1つ以上選んでください</source>
        <translation>Choose at least one medium</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="533"/>
        <source>配信できません: </source>
        <translation>Cannot send: </translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="536"/>
        <source>内容を確かめてから「一斉配信」を押してください</source>
        <translation>Check the content, then press Send to all</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="129"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="129"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="130"/>
        <source>配信の確認</source>
        <translation>Confirm sending</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="140"/>
        <source>訓練配信です
実際の住民には届きません（訓練用の受け口に記録します）</source>
        <translation>This is a DRILL
It does not reach real residents (recorded by the drill sink)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="147"/>
        <source>本番配信です
実際の住民に届きます</source>
        <translation>This is a LIVE send
It reaches real residents</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="158"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="160"/>
        <source>カテゴリ・緊急度</source>
        <translation>Category · urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="164"/>
        <source>地区</source>
        <translation>Areas</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="165"/>
        <source>全地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="169"/>
        <source>言語</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="180"/>
        <source>次のエラーを直すまで配信できません:</source>
        <translation>Cannot send until these errors are fixed:</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="189"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="196"/>
        <source>配信する</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="211"/>
        <source>訓練：押し続けて送信（{s}秒）</source>
        <translation>DRILL: hold to send ({s} s)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="212"/>
        <source>本番：押し続けて送信（{s}秒）</source>
        <translation>LIVE: hold to send ({s} s)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="215"/>
        <source>{s}秒押し続けると送信します。キーボードではスペースキーを押し続けます</source>
        <translation>Hold for {s} seconds to send. On the keyboard, hold the Space key</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="220"/>
        <source>そのまま押し続けてください…</source>
        <translation>Keep holding…</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="224"/>
        <source>訓練：承認を依頼する（承認待ちになります）</source>
        <translation>DRILL: request approval (waits for an approver)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="225"/>
        <source>本番：承認を依頼する（承認待ちになります）</source>
        <translation>LIVE: request approval (waits for an approver)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="257"/>
        <source>既定</source>
        <translation>default</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="259"/>
        <source>承認の規則「{rule}」: 送信者だけで配信します。誤送信を防ぐため、配信ボタンを{s}秒押し続けると送信します（途中で離すと送信しません。キーボードではボタンを選んでスペースキーを押し続けます）。</source>
        <translation>Approval rule “{rule}”: the sender alone sends. To prevent sending by mistake, hold the send button for {s} seconds (letting go early sends nothing; on the keyboard, focus the button and hold the Space key).</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="264"/>
        <source>この規則は本来2人目の承認が必要ですが、操作員が登録されていないため承認できる人がいません。</source>
        <translation>This rule normally needs a second person&apos;s approval, but no operators are registered, so there is nobody to approve.</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="268"/>
        <source>承認の規則「{rule}」: この配信は承認待ちになります。別の承認者（承認者・管理者）が承認するまで、住民には届きません。</source>
        <translation>Approval rule “{rule}”: this message waits for approval. It does not reach residents until another approver (approver or administrator) approves it.</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="285"/>
        <source>送信します</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="291"/>
        <source>途中で離したため送信していません。{s}秒押し続けてください。</source>
        <translation>Let go too early: nothing was sent. Hold for {s} seconds.</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="340"/>
        <source>登録言語の文面がない {n} 件（{who}）には日本語で届きます</source>
        <translation>{n} recipients ({who}) get Japanese: no text in their language</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="300"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="300"/>
        <source>対象</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="300"/>
        <source>確認結果</source>
        <translation>Check</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <location filename="../../widgets/app.py" line="314"/>
        <source>コンソールを起動できませんでした。</source>
        <translation>The console could not start.</translation>
    </message>
</context>
<context>
    <name>ConsoleBridge</name>
    <message>
        <location filename="../../widgets/bridge.py" line="233"/>
        <source>処理中にエラーが起きました。</source>
        <translation>An error occurred while working.</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="293"/>
        <source>文面の確認または宛先の集計に失敗しました。</source>
        <translation>Checking the text or counting the recipients failed.</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="361"/>
        <source>データベースに接続できないため配信を登録できません。文面はそのまま残っています。接続が戻ってからもう一度送ってください。</source>
        <translation>The database cannot be reached, so the message cannot be queued. Your text is kept. Send again once the connection is back.</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="506"/>
        <source>続けて間違えたため、{n} 秒後にもう一度お試しください</source>
        <translation>Too many wrong tries in a row: try again in {n} seconds</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="533"/>
        <source>{error}。続けて間違えたため、{n} 秒待ってからもう一度お試しください</source>
        <translation>{error}. Too many wrong tries in a row: wait {n} seconds, then try again</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="809"/>
        <source>配信エンジンが止まりました。配信待ちは消えていません。コンソールを再起動すると再開します。</source>
        <translation>The delivery engine stopped. Queued deliveries are kept and resume when the console restarts.</translation>
    </message>
</context>
<context>
    <name>Core</name>
    <message>
        <location filename="../../widgets/labels.py" line="24"/>
        <source>メール</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="24"/>
        <source>ホームページ</source>
        <translation>Website</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="25"/>
        <source>アプリ通知</source>
        <translation>App notification</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="25"/>
        <source>Lアラート</source>
        <translation>L-Alert</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="26"/>
        <source>防災</source>
        <translation>Disaster</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="26"/>
        <source>防犯</source>
        <translation>Crime prevention</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="27"/>
        <source>健康</source>
        <translation>Health</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="27"/>
        <source>イベント</source>
        <translation>Events</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="28"/>
        <source>くらし</source>
        <translation>Daily life</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="28"/>
        <source>気象</source>
        <translation>Weather</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="29"/>
        <source>緊急</source>
        <translation>Emergency</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="29"/>
        <source>重要</source>
        <translation>Important</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="30"/>
        <source>通常</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="30"/>
        <source>日本語</source>
        <translation>Japanese</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="31"/>
        <source>やさしい日本語</source>
        <translation>Easy Japanese</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="31"/>
        <source>英語</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="32"/>
        <source>中国語（簡体字）</source>
        <translation>Chinese (Simplified)</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="32"/>
        <source>中国語（繁体字）</source>
        <translation>Chinese (Traditional)</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="33"/>
        <source>韓国語</source>
        <translation>Korean</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="33"/>
        <source>ベトナム語</source>
        <translation>Vietnamese</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="34"/>
        <source>ポルトガル語</source>
        <translation>Portuguese</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="34"/>
        <source>スペイン語</source>
        <translation>Spanish</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="35"/>
        <source>タガログ語</source>
        <translation>Tagalog</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="35"/>
        <source>ネパール語</source>
        <translation>Nepali</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="36"/>
        <source>インドネシア語</source>
        <translation>Indonesian</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="36"/>
        <source>タイ語</source>
        <translation>Thai</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="37"/>
        <source>ミャンマー語</source>
        <translation>Burmese</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="37"/>
        <source>定型文の訳</source>
        <translation>Template translation</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="38"/>
        <source>翻訳メモリ</source>
        <translation>Translation memory</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="38"/>
        <source>機械翻訳</source>
        <translation>Machine translation</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="39"/>
        <source>手入力</source>
        <translation>Typed by hand</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="39"/>
        <source>防災行政無線</source>
        <translation>Disaster radio</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="40"/>
        <source>電話</source>
        <translation>Phone</translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="108"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="108"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="110"/>
        <source>訂正を送る</source>
        <translation>Send a correction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="110"/>
        <source>取消を送る</source>
        <translation>Send a retraction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="118"/>
        <source>訂正</source>
        <translation>correction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="118"/>
        <source>取消</source>
        <translation>retraction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="121"/>
        <source>訓練の{what}です — もとの訓練配信を受けた宛先（訓練用の受け口）に送ります</source>
        <translation>This is a DRILL {what} — it goes to the recipients of the original drill send (the drill sink)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="128"/>
        <source>本番の{what}です — もとの配信を受けた住民に実際に届きます</source>
        <translation>This is a LIVE {what} — it reaches the residents who received the original message</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="134"/>
        <source>もとの配信: {title}（{time}）</source>
        <translation>Original message: {title} ({time})</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="142"/>
        <source>訂正後の件名</source>
        <translation>Corrected subject</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="144"/>
        <source>訂正後の本文</source>
        <translation>Corrected text</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="147"/>
        <source>取消の理由</source>
        <translation>Reason for the retraction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="148"/>
        <source>例: 対象地区を誤って配信したため（任意）</source>
        <translation>e.g. Sent to the wrong areas (optional)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="152"/>
        <location filename="../../widgets/correction_dialog.py" line="179"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="153"/>
        <source>本文（訂正後）</source>
        <translation>Text (corrected)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="155"/>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="164"/>
        <source>{language}の訂正文（確認済みの訳）</source>
        <translation>{language} correction (reviewed translation)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="167"/>
        <source>空欄なら、もとの件名の訳のまま</source>
        <translation>If empty, the translated original subject is kept</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="169"/>
        <source>{language}の件名</source>
        <translation>{language} subject</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="172"/>
        <source>空欄なら、{language}で受け取った人にも日本語の訂正が届きます</source>
        <translation>If empty, those who received it in {language} get the Japanese correction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="175"/>
        <source>{language}の本文</source>
        <translation>{language} text</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="180"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="191"/>
        <source>比べる媒体</source>
        <translation>Medium to compare</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="195"/>
        <source>比べる言語</source>
        <translation>Language to compare</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="201"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="203"/>
        <source>言語</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="207"/>
        <source>色の付いた所が変わります（赤: 送った文面、黄: これから送る文面）</source>
        <translation>Highlighted parts change (red: text sent, yellow: text to send)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="212"/>
        <source>送った文面（訂正前）</source>
        <translation>Text sent (before the correction)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="216"/>
        <source>これから送る文面（訂正後）</source>
        <translation>Text to send (corrected)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="217"/>
        <source>これから送る文面（取消）</source>
        <translation>Text to send (retraction)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="218"/>
        <source>送った文面（もとの配信）</source>
        <translation>Text sent (original message)</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="221"/>
        <source>これから送る訂正</source>
        <translation>Correction to send</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="221"/>
        <source>これから送る取消</source>
        <translation>Retraction to send</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="244"/>
        <source>宛先を数えています…</source>
        <translation>Counting recipients…</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="252"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="292"/>
        <source>訓練として訂正を配信する</source>
        <translation>Send the correction as a DRILL</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="293"/>
        <source>本番として訂正を配信する</source>
        <translation>Send the correction LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="294"/>
        <source>訓練として取消を配信する</source>
        <translation>Send the retraction as a DRILL</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="295"/>
        <source>本番として取消を配信する</source>
        <translation>Send the retraction LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="312"/>
        <source>訂正の本文を入力してください</source>
        <translation>Enter the text of the correction</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="352"/>
        <source>次のエラーを直すまで送れません:</source>
        <translation>Cannot send until these errors are fixed:</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="353"/>
        <source>確認してください:</source>
        <translation>Please check:</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="364"/>
        <source>もとの配信を受け取った宛先がまだありません。送る相手がいません</source>
        <translation>Nobody has received the original message yet. There is no one to send to</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="387"/>
        <source>{medium} {n:,}件</source>
        <translation>{medium} {n:,}</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="390"/>
        <source>送り先: もとの配信を受け取った宛先だけ — </source>
        <translation>Recipients: only those who received the original — </translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="407"/>
        <source>（{language}の訂正文がないため、日本語が届きます）

</source>
        <translation>(No {language} correction, so the Japanese is delivered)

</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="409"/>
        <source>［ホームページの記事のURL］</source>
        <translation>[website article URL]</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="425"/>
        <source>登録しています…</source>
        <translation>Queuing…</translation>
    </message>
</context>
<context>
    <name>DatabaseBanner</name>
    <message>
        <location filename="../../widgets/banner.py" line="69"/>
        <source>データベースに接続できません。文面の作成は続けられますが、配信・承認はできません。接続が戻ると自動で最新の状態に追いつきます。</source>
        <translation>The database cannot be reached. You can keep writing, but not send or approve. The console catches up by itself when the connection is back.</translation>
    </message>
</context>
<context>
    <name>Deliveries</name>
    <message>
        <location filename="../../widgets/deliveries.py" line="52"/>
        <source>待ち</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="53"/>
        <source>送信中</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="54"/>
        <location filename="../../widgets/deliveries.py" line="63"/>
        <source>送信済</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="55"/>
        <source>到達</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="56"/>
        <location filename="../../widgets/deliveries.py" line="61"/>
        <source>失敗</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="57"/>
        <location filename="../../widgets/deliveries.py" line="64"/>
        <source>中止</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="60"/>
        <source>すべて</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="62"/>
        <source>待ち・送信中</source>
        <translation>Queued or sending</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="219"/>
        <location filename="../../widgets/deliveries.py" line="321"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="219"/>
        <source>宛先</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="220"/>
        <location filename="../../widgets/deliveries.py" line="323"/>
        <source>状態</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="220"/>
        <source>試行</source>
        <translation>Tries</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="221"/>
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="221"/>
        <source>理由・受付番号</source>
        <translation>Reason or reference</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="253"/>
        <source>重複して届いた可能性があります</source>
        <translation>May have been delivered twice</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="284"/>
        <source>配信明細 — {title}</source>
        <translation>Deliveries — {title}</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="288"/>
        <source>媒体で絞り込む</source>
        <translation>Filter by medium</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="289"/>
        <source>すべての媒体</source>
        <translation>All media</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="293"/>
        <source>状態で絞り込む</source>
        <translation>Filter by state</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="304"/>
        <source>配信明細の表</source>
        <translation>Deliveries table</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="341"/>
        <source>読み込み中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../widgets/deliveries.py" line="345"/>
        <source>{n} 件</source>
        <translation>{n}</translation>
    </message>
</context>
<context>
    <name>EmailPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="214"/>
        <source>件名:</source>
        <translation>Subject:</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../widgets/errors.py" line="70"/>
        <source>エラー</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="80"/>
        <source>配信待ちの内容はデータベースに残っています。問題が続くときは、「詳細をコピー」を押して担当者に送ってください。</source>
        <translation>Queued deliveries are safe in the database. If the problem continues, press Copy details and send them to your administrator.</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="92"/>
        <location filename="../../widgets/errors.py" line="114"/>
        <source>詳細を表示</source>
        <translation>Show details</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="95"/>
        <source>詳細をコピー</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="98"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="109"/>
        <source>コピーしました</source>
        <translation>Copied</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="114"/>
        <source>詳細を隠す</source>
        <translation>Hide details</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../../widgets/errors.py" line="169"/>
        <source>予期しないエラーが起きました。操作は続けられます。</source>
        <translation>An unexpected error occurred. You can keep working.</translation>
    </message>
    <message>
        <location filename="../../widgets/errors.py" line="194"/>
        <source>バックグラウンド処理でエラーが起きました。</source>
        <translation>An error occurred in background work.</translation>
    </message>
</context>
<context>
    <name>FaxPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="931"/>
        <source>送信する紙面そのものです（入力が止まると描き直します）</source>
        <translation>This is the exact page that is sent (redrawn when you stop typing)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="945"/>
        <source>A4・大きな文字&#x3000;{pages}</source>
        <translation>A4, large print   {pages}</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="946"/>
        <source>{n}枚</source>
        <translation>pages: {n}</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="947"/>
        <source>枚数不明</source>
        <translation>page count unknown</translation>
    </message>
</context>
<context>
    <name>FaxThumbnails</name>
    <message>
        <location filename="../../widgets/fax_thumbnail.py" line="69"/>
        <source>FAXの紙面を準備しています…</source>
        <translation>Preparing the FAX pages…</translation>
    </message>
    <message>
        <location filename="../../widgets/fax_thumbnail.py" line="114"/>
        <source>FAXの紙面を描けませんでした（{error}）</source>
        <translation>Could not draw the FAX pages ({error})</translation>
    </message>
    <message>
        <location filename="../../widgets/fax_thumbnail.py" line="139"/>
        <source>{n}枚目</source>
        <translation>Page {n}</translation>
    </message>
</context>
<context>
    <name>FindingsBar</name>
    <message>
        <location filename="../../widgets/previews.py" line="112"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="89"/>
        <location filename="../../widgets/previews.py" line="119"/>
        <source>入力待ち</source>
        <translation>Waiting for input</translation>
    </message>
</context>
<context>
    <name>History</name>
    <message>
        <location filename="../../widgets/history.py" line="101"/>
        <source>配信中</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="103"/>
        <source>中止</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="105"/>
        <source>失敗あり</source>
        <translation>Some failed</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="106"/>
        <source>完了</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="262"/>
        <source>日時</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="262"/>
        <source>区分</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="262"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="263"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="263"/>
        <source>対象</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="263"/>
        <source>送信済</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="264"/>
        <source>失敗</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="264"/>
        <source>待ち</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="264"/>
        <source>状態</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="304"/>
        <source>訓練</source>
        <translation>Drill</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="304"/>
        <source>本番</source>
        <translation>LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="360"/>
        <source>表示する配信</source>
        <translation>Messages to show</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="361"/>
        <source>すべて</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="362"/>
        <source>本番のみ</source>
        <translation>Live only</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="363"/>
        <source>訓練のみ</source>
        <translation>Drills only</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="369"/>
        <source>履歴を読み直す</source>
        <translation>Reload history</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="370"/>
        <source>履歴を読み直す（F5）</source>
        <translation>Reload history (F5)</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="375"/>
        <source>配信の履歴</source>
        <translation>Message history</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="393"/>
        <source>表示</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="419"/>
        <source>配信台帳</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="446"/>
        <source>送った文面を選ぶ</source>
        <translation>Choose a text sent</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="450"/>
        <source>再送（失敗分）</source>
        <translation>Retry failed</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="451"/>
        <source>配信明細…</source>
        <translation>Deliveries…</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="452"/>
        <source>この内容で新規作成</source>
        <translation>New message from this text</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="453"/>
        <source>訂正…</source>
        <translation>Correct…</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="455"/>
        <source>この配信を受け取った人に、訂正を送ります（前後を見比べてから）</source>
        <translation>Send a correction to those who received this message (after comparing before and after)</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="456"/>
        <source>取消…</source>
        <translation>Retract…</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="458"/>
        <source>この配信を受け取った人に、取り消しを知らせます</source>
        <translation>Tell those who received this message that it is retracted</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="475"/>
        <source>送った文面</source>
        <translation>Text sent</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="480"/>
        <location filename="../../widgets/history.py" line="570"/>
        <source>失敗した宛先</source>
        <translation>Failed recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="522"/>
        <source>配信を選ぶと、ここに台帳が出ます</source>
        <translation>Choose a message to see its ledger here</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="527"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="527"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="529"/>
        <source>全地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="532"/>
        <source>{time}&#x3000;{category}・{urgency}&#x3000;地区: {areas}&#x3000;言語: {langs}
送信者: {who}&#x3000;端末: {console}&#x3000;配信ID: {id}</source>
        <translation>{time}   {category} · {urgency}   Areas: {areas}   Languages: {langs}
Sent by: {who}   Console: {console}   Message ID: {id}</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="569"/>
        <source>失敗した宛先（先頭 {n} 件）</source>
        <translation>Failed recipients (first {n})</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../widgets/labels.py" line="81"/>
        <source>✔ OK</source>
        <translation>✔ OK</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="82"/>
        <source>⚠ 警告</source>
        <translation>⚠ Warning</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="83"/>
        <source>✖ エラー</source>
        <translation>✖ Error</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="98"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="100"/>
        <source>友だち全員</source>
        <translation>All friends</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="101"/>
        <source>{n} 件</source>
        <translation>{n}</translation>
    </message>
</context>
<context>
    <name>LinePreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="316"/>
        <source>防</source>
        <translation>防</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="322"/>
        <source>防災情報（公式アカウント）</source>
        <translation>Disaster info (official account)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="331"/>
        <source>🔕 通知音なしで届きます</source>
        <translation>🔕 Arrives without a notification sound</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../widgets/main_window.py" line="65"/>
        <source>Issei 一斉配信コンソール</source>
        <translation>Issei mass notification console</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="110"/>
        <location filename="../../widgets/main_window.py" line="561"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="110"/>
        <source> — 本番</source>
        <translation> — LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="115"/>
        <source>訓練用の受け口に記録します: {path}</source>
        <translation>Recorded by the drill sink: {path}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="154"/>
        <source>配信（Ctrl+1）</source>
        <translation>Send (Ctrl+1)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="155"/>
        <source>履歴・台帳（Ctrl+2）</source>
        <translation>History and ledger (Ctrl+2)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="156"/>
        <source>自動配信（Ctrl+3）</source>
        <translation>Automatic (Ctrl+3)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="186"/>
        <source>端末: {name}</source>
        <translation>Console: {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="218"/>
        <source>定型文(&amp;T)</source>
        <translation>&amp;Templates</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="219"/>
        <source>定型文を使う…</source>
        <translation>Use a template…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="222"/>
        <source>定型文の編集…</source>
        <translation>Edit templates…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="225"/>
        <source>翻訳(&amp;L)</source>
        <translation>Trans&amp;lation</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="226"/>
        <source>翻訳の確認…</source>
        <translation>Review translations…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="230"/>
        <source>表示(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="231"/>
        <source>配信</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="232"/>
        <source>履歴・台帳</source>
        <translation>History and ledger</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="233"/>
        <source>自動配信</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="237"/>
        <source>履歴を読み直す</source>
        <translation>Reload history</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="240"/>
        <source>配信明細…</source>
        <translation>Deliveries…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="246"/>
        <source>音声(&amp;A)</source>
        <translation>&amp;Audio</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="247"/>
        <source>録音・読み上げの確認…</source>
        <translation>Record or check the read-out…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="249"/>
        <source>Jアラート受信の試験（シミュレータ）</source>
        <translation>Test J-Alert reception (simulator)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="252"/>
        <source>言語 / Language</source>
        <translation>言語 / Language</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="274"/>
        <source>文面を組み立てられませんでした。</source>
        <translation>The text could not be rendered.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="304"/>
        <source>確認しています…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="311"/>
        <source>配信内容を確認できませんでした。</source>
        <translation>The message could not be checked.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="332"/>
        <source>配信を登録しています…</source>
        <translation>Queuing…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="345"/>
        <source>配信を登録しました（配信ID {id}）</source>
        <translation>Queued (message ID {id})</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="354"/>
        <source>配信できませんでした。次の点を直してください。</source>
        <translation>Not sent. Please fix the following.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="358"/>
        <source>配信の登録中にエラーが起きました。配信状況を確かめてください。</source>
        <translation>An error occurred while queuing the send. Please check the delivery status.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="367"/>
        <source>定型文を読めませんでした。</source>
        <translation>The templates could not be read.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="372"/>
        <source>読めない定型文があります: </source>
        <translation>Some templates could not be read: </translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="402"/>
        <source>定型文「{name}」を差し込みました</source>
        <translation>Template “{name}” inserted</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="419"/>
        <source>先に「言語」で訳す言語を選んでください</source>
        <translation>First choose the languages to translate into under Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="444"/>
        <source>音声・防災無線の設定に誤りがあります: {error}</source>
        <translation>The voice or disaster radio settings are wrong: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="458"/>
        <source>Jアラートの受信を開始できませんでした。</source>
        <translation>J-Alert reception could not start.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="462"/>
        <source>音声の設定に誤りがあります。</source>
        <translation>The voice settings are wrong.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="488"/>
        <source>録音を配信に使います: {name}</source>
        <translation>This recording will be sent: {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="491"/>
        <source>録音を配信に使えませんでした。</source>
        <translation>The recording could not be used for sending.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="501"/>
        <source>Jアラート（シミュレータ）</source>
        <translation>J-Alert (simulator)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="502"/>
        <source>シミュレータによる受信です。実際の警報ではありません。</source>
        <translation>Received from the simulator. This is not a real alarm.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="526"/>
        <source>Jアラートの警報を確認しました（記録済み）</source>
        <translation>J-Alert alarm acknowledged (recorded)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="530"/>
        <source>警報の確認を記録できませんでした。</source>
        <translation>The acknowledgement of the alarm could not be recorded.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="561"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="564"/>
        <source>訂正・取消を登録しました（配信ID {id}）</source>
        <translation>Correction or retraction queued (message ID {id})</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="605"/>
        <source>● 他の端末と連携中</source>
        <translation>● Linked with other consoles</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="608"/>
        <source>● 他の端末との連携が切れています</source>
        <translation>● Link to other consoles lost</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="663"/>
        <source>{n} 件を再送に回しました</source>
        <translation>{n} deliveries queued again</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="669"/>
        <source>再送を登録できませんでした。</source>
        <translation>The retry could not be queued.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="676"/>
        <source>配信中止</source>
        <translation>Stop sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="677"/>
        <source>まだ送っていない配信を取りやめます。送信中のものは止まりません。</source>
        <translation>Deliveries not sent yet will be cancelled. Those being sent right now will not stop.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="678"/>
        <source>中止する</source>
        <translation>Stop sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="679"/>
        <source>続ける</source>
        <translation>Keep sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="694"/>
        <source>未送信の {n} 件を取りやめました</source>
        <translation>{n} unsent deliveries cancelled</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="697"/>
        <source>配信を中止できませんでした。</source>
        <translation>Sending could not be stopped.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="703"/>
        <source>● 配信エンジン稼働中</source>
        <translation>● Delivery engine running</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="706"/>
        <source>● 配信エンジン停止</source>
        <translation>● Delivery engine stopped</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="719"/>
        <source>表示言語は次に起動したときに切り替わります（Takes effect after restart）</source>
        <translation>The display language changes at the next start (次に起動したときに切り替わります)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="734"/>
        <source>配信中です</source>
        <translation>Sending in progress</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="736"/>
        <source>配信中です。閉じると送信が止まり、残りは次に起動したときに再開します。閉じますか？</source>
        <translation>Sending is in progress. Closing stops it; the rest resumes at the next start. Close anyway?</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="739"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="740"/>
        <source>配信を続ける</source>
        <translation>Keep sending</translation>
    </message>
</context>
<context>
    <name>MediumPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="147"/>
        <source>{medium}のプレビュー</source>
        <translation>{medium} preview</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="150"/>
        <source>この媒体には配信しません</source>
        <translation>Not sent on this medium</translation>
    </message>
</context>
<context>
    <name>ModeBanner</name>
    <message>
        <location filename="../../widgets/banner.py" line="24"/>
        <source>訓練モード — 実際の住民には届きません</source>
        <translation>DRILL MODE — nothing reaches real residents</translation>
    </message>
    <message>
        <location filename="../../widgets/banner.py" line="40"/>
        <source>本番</source>
        <translation>LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/banner.py" line="45"/>
        <source>実際の住民に配信されます</source>
        <translation>Messages reach real residents</translation>
    </message>
</context>
<context>
    <name>Monitor</name>
    <message>
        <location filename="../../widgets/models.py" line="58"/>
        <location filename="../../widgets/models.py" line="160"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="58"/>
        <source>進捗</source>
        <translation>Progress</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="58"/>
        <source>対象</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="59"/>
        <source>送信済</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="59"/>
        <source>失敗</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="59"/>
        <source>待ち</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="60"/>
        <source>中止</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="112"/>
        <source>重複して届いた可能性: {n} 件</source>
        <translation>Possibly delivered twice: {n}</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="160"/>
        <source>宛先</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../widgets/models.py" line="160"/>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>MonitorPanel</name>
    <message>
        <location filename="../../widgets/monitor.py" line="85"/>
        <source>配信状況</source>
        <translation>Delivery status</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="97"/>
        <source>まだ配信していません</source>
        <translation>Nothing sent yet</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="119"/>
        <source>再送（失敗分）</source>
        <translation>Retry failed</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="123"/>
        <source>配信中止</source>
        <translation>Stop sending</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="128"/>
        <source>明細…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="131"/>
        <source>一件ごとの配信結果を見ます</source>
        <translation>See the result of every single delivery</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="154"/>
        <location filename="../../widgets/monitor.py" line="208"/>
        <source>失敗した宛先</source>
        <translation>Failed recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="186"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="186"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="188"/>
        <source>配信ID {id}</source>
        <translation>Message ID {id}</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="207"/>
        <source>失敗した宛先（{n} 件）</source>
        <translation>Failed recipients ({n})</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="235"/>
        <source>待機中</source>
        <translation>Idle</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="237"/>
        <source>配信中…</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="239"/>
        <source>中止しました</source>
        <translation>Stopped</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="241"/>
        <source>✖ 失敗あり</source>
        <translation>✖ Some failed</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="243"/>
        <source>✔ 完了</source>
        <translation>✔ Done</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="262"/>
        <source>所要</source>
        <translation>Took</translation>
    </message>
    <message>
        <location filename="../../widgets/monitor.py" line="262"/>
        <source>経過</source>
        <translation>Elapsed</translation>
    </message>
</context>
<context>
    <name>OperatorControls</name>
    <message>
        <location filename="../../widgets/operator_controls.py" line="79"/>
        <source>承認待ち {n} 件（Ctrl+4）</source>
        <translation>Approval: {n} waiting (Ctrl+4)</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="80"/>
        <source>承認（Ctrl+4）</source>
        <translation>Approval (Ctrl+4)</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="83"/>
        <source>操作者(&amp;O)</source>
        <translation>&amp;Operator</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="84"/>
        <source>サインイン／操作者の切り替え…</source>
        <translation>Sign in / switch operator…</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="87"/>
        <source>サインアウト</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="89"/>
        <source>承認待ち</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="92"/>
        <source>監査ログ…</source>
        <translation>Audit log…</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="94"/>
        <source>秘密情報の設定…</source>
        <translation>Secrets…</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="103"/>
        <source>承認ポリシー…</source>
        <translation>Approval policy…</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="105"/>
        <source>操作者と部署…</source>
        <translation>Operators and departments…</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="144"/>
        <source>サインアウトしました</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="150"/>
        <source>部署なし</source>
        <translation>no department</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="151"/>
        <source>操作者: {name}（{role}・{department}）</source>
        <translation>Operator: {name} ({role}, {department})</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="155"/>
        <source>未サインイン（配信・承認はできません）</source>
        <translation>Not signed in (cannot send or approve)</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="159"/>
        <source>操作者アカウント未設定（サインインなしで配信できます）</source>
        <translation>No operator accounts set up (sending needs no sign-in)</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="248"/>
        <source>データベースに接続できません（配信できません）</source>
        <translation>Database unreachable (cannot send)</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="250"/>
        <source>データベースに接続できないため、配信を登録できません。文面はそのまま残ります</source>
        <translation>The database cannot be reached, so nothing can be queued. Your text is kept</translation>
    </message>
    <message>
        <location filename="../../widgets/operator_controls.py" line="253"/>
        <source>確認画面を開きます（Ctrl+Enter）</source>
        <translation>Opens the confirmation (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>OperatorsAdmin</name>
    <message>
        <location filename="../../widgets/operators_admin.py" line="70"/>
        <source>操作者と部署（管理者）</source>
        <translation>Operators and departments (administrator)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="74"/>
        <location filename="../../widgets/operators_admin.py" line="193"/>
        <source>操作者</source>
        <translation>Operators</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="75"/>
        <location filename="../../widgets/operators_admin.py" line="113"/>
        <location filename="../../widgets/operators_admin.py" line="138"/>
        <location filename="../../widgets/operators_admin.py" line="174"/>
        <location filename="../../widgets/operators_admin.py" line="192"/>
        <source>部署</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="82"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="105"/>
        <source>管理者</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="105"/>
        <source>承認者</source>
        <translation>Approver</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="106"/>
        <source>配信者</source>
        <translation>Sender</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="106"/>
        <source>閲覧者</source>
        <translation>Viewer</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="113"/>
        <location filename="../../widgets/operators_admin.py" line="168"/>
        <source>ログイン名</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="113"/>
        <location filename="../../widgets/operators_admin.py" line="134"/>
        <location filename="../../widgets/operators_admin.py" line="170"/>
        <source>表示名</source>
        <translation>Display name</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="113"/>
        <location filename="../../widgets/operators_admin.py" line="136"/>
        <location filename="../../widgets/operators_admin.py" line="172"/>
        <source>役割</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="114"/>
        <source>状態</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="127"/>
        <source>選択した操作者</source>
        <translation>Selected operator</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="132"/>
        <source>変更を保存</source>
        <translation>Save changes</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="133"/>
        <location filename="../../widgets/operators_admin.py" line="344"/>
        <source>無効にする</source>
        <translation>Disable</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="142"/>
        <source>新しいパスワード</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="143"/>
        <source>8文字以上</source>
        <translation>8 characters or more</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="144"/>
        <source>もう一度</source>
        <translation>Again</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="145"/>
        <source>パスワードを再設定</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="146"/>
        <source>パスワード</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="156"/>
        <source>操作者の追加</source>
        <translation>Add an operator</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="159"/>
        <source>例: bousai01</source>
        <translation>e.g. bousai01</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="161"/>
        <source>例: 防災 太郎</source>
        <translation>e.g. 防災 太郎</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="165"/>
        <source>初期パスワード（8文字以上）</source>
        <translation>Initial password (8 characters or more)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="166"/>
        <source>もう一度（表示されません）</source>
        <translation>Again (not shown)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="167"/>
        <source>追加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="176"/>
        <source>初期パスワード</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="192"/>
        <location filename="../../widgets/operators_admin.py" line="227"/>
        <source>差出人名</source>
        <translation>Sender name</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="192"/>
        <location filename="../../widgets/operators_admin.py" line="228"/>
        <source>カテゴリ</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="192"/>
        <location filename="../../widgets/operators_admin.py" line="229"/>
        <source>媒体</source>
        <translation>Media</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="193"/>
        <location filename="../../widgets/operators_admin.py" line="230"/>
        <source>地区</source>
        <translation>Areas</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="206"/>
        <source>部署の内容（空欄・何も選ばない: 制限なし）</source>
        <translation>Department (left empty or none chosen: no restriction)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="210"/>
        <source>例: ○○市 防災課（媒体が対応していれば表示）</source>
        <translation>e.g. ○○市 防災課 (shown where the medium supports it)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="225"/>
        <source>例: 北地区、南地区（読点かカンマで区切る）</source>
        <translation>e.g. 北地区、南地区 (separate with 、 or a comma)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="226"/>
        <source>部署名</source>
        <translation>Department name</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="233"/>
        <source>新しい部署として追加</source>
        <translation>Add as a new department</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="234"/>
        <source>選択した部署を変更</source>
        <translation>Change the selected department</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="259"/>
        <source>読めませんでした: {error}</source>
        <translation>Could not read: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="271"/>
        <location filename="../../widgets/operators_admin.py" line="281"/>
        <source>部署なし</source>
        <translation>No department</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="282"/>
        <source>有効</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="282"/>
        <source>無効</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="290"/>
        <source>制限なし</source>
        <translation>No restriction</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="339"/>
        <source>選択した操作者: {login}</source>
        <translation>Selected operator: {login}</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="345"/>
        <source>有効に戻す</source>
        <translation>Enable again</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="378"/>
        <source>できませんでした: {error}</source>
        <translation>Failed: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="408"/>
        <source>操作者「{login}」を追加しました（パスワードは二度と表示しません）</source>
        <translation>Operator “{login}” added (the password is never shown again)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="425"/>
        <source>操作者「{login}」を変更しました</source>
        <translation>Operator “{login}” changed</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="439"/>
        <source>操作者「{login}」を有効に戻しました</source>
        <translation>Operator “{login}” enabled again</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="440"/>
        <source>操作者「{login}」を無効にしました（サインインできません）</source>
        <translation>Operator “{login}” disabled (cannot sign in)</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="457"/>
        <source>操作者「{login}」のパスワードを再設定しました</source>
        <translation>Password of operator “{login}” reset</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="475"/>
        <source>部署「{name}」を追加しました</source>
        <translation>Department “{name}” added</translation>
    </message>
    <message>
        <location filename="../../widgets/operators_admin.py" line="490"/>
        <source>部署「{name}」を変更しました</source>
        <translation>Department “{name}” changed</translation>
    </message>
</context>
<context>
    <name>PhonePreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="876"/>
        <source>☎&#x3000;電話に出ると</source>
        <translation>☎   When answered</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="888"/>
        <source>電話で流す文</source>
        <translation>Text played on the phone</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="903"/>
        <source>（録音した音声を流します）</source>
        <translation>(the recorded audio is played)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="908"/>
        <source>↻&#x3000;{digit}が押されるまで繰り返します</source>
        <translation>↻   Repeats until {digit} is pressed</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="909"/>
        <source>電話&#x3000;1回 {seconds}（確認のお願いを含む）</source>
        <translation>Phone   one call {seconds} (including the request to confirm)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="911"/>
        <source>音声: {voice}</source>
        <translation>Voice: {voice}</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="912"/>
        <source>録音</source>
        <translation>Recording</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="912"/>
        <source>音声合成</source>
        <translation>Text-to-speech</translation>
    </message>
</context>
<context>
    <name>PolicyEditor</name>
    <message>
        <location filename="../../widgets/policy_editor.py" line="56"/>
        <source>承認ポリシー（管理者）</source>
        <translation>Approval policy (administrator)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="60"/>
        <source>配信ごとに上から順に調べ、最初に当てはまった規則で承認の要否が決まります。最後の規則は、すべての配信に当てはまるもの（条件なし）にしてください。</source>
        <translation>Each message is checked against the rules from the top; the first rule that matches decides whether approval is needed. Make the last rule one that matches every message (no conditions).</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="66"/>
        <location filename="../../widgets/policy_editor.py" line="122"/>
        <source>名前</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="66"/>
        <location filename="../../widgets/policy_editor.py" line="123"/>
        <source>要件</source>
        <translation>Requirement</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="66"/>
        <location filename="../../widgets/policy_editor.py" line="124"/>
        <source>緊急度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="67"/>
        <location filename="../../widgets/policy_editor.py" line="125"/>
        <source>カテゴリ</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="67"/>
        <location filename="../../widgets/policy_editor.py" line="126"/>
        <source>宛先</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="79"/>
        <source>規則を追加</source>
        <translation>Add a rule</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="80"/>
        <source>削除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="81"/>
        <source>上へ</source>
        <translation>Up</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="82"/>
        <source>下へ</source>
        <translation>Down</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="83"/>
        <source>既定に戻す</source>
        <translation>Restore the defaults</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="97"/>
        <source>選択した規則</source>
        <translation>Selected rule</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="101"/>
        <source>承認者が必要</source>
        <translation>Needs an approver</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="102"/>
        <source>本人のみ（押し続けて送信）</source>
        <translation>Sender alone (hold to send)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="109"/>
        <location filename="../../widgets/policy_editor.py" line="117"/>
        <source>（どれも選ばない: すべて）</source>
        <translation>(none chosen: all)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="120"/>
        <source>どちらでも</source>
        <translation>Either</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="120"/>
        <source>全住民あて</source>
        <translation>All residents</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="120"/>
        <source>一部の地区あて</source>
        <translation>Some areas</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="139"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="140"/>
        <source>読み直す（編集を捨てる）</source>
        <translation>Reload (discard edits)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="141"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="169"/>
        <source>承認ポリシーを読めませんでした: {error}</source>
        <translation>Could not read the approval policy: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="181"/>
        <source>すべて</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="245"/>
        <source>編集中です（まだ保存していません）</source>
        <translation>Edited (not saved yet)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="250"/>
        <source>新しい規則</source>
        <translation>New rule</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="292"/>
        <source>保存しました（{n} 件の規則。監査ログに記録しました）</source>
        <translation>Saved ({n} rules; recorded in the audit log)</translation>
    </message>
    <message>
        <location filename="../../widgets/policy_editor.py" line="298"/>
        <source>保存できませんでした: {error}</source>
        <translation>Could not save: {error}</translation>
    </message>
</context>
<context>
    <name>Previews</name>
    <message>
        <location filename="../../widgets/previews.py" line="721"/>
        <source>約{n}秒</source>
        <translation>about {n} s</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="722"/>
        <source>約—秒（読みの確認後に表示）</source>
        <translation>about — s (shown once the reading is checked)</translation>
    </message>
</context>
<context>
    <name>PreviewsPanel</name>
    <message>
        <location filename="../../widgets/previews.py" line="974"/>
        <source>ほかの媒体のプレビュー</source>
        <translation>Previews of the other media</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="984"/>
        <location filename="../../widgets/previews.py" line="991"/>
        <source>プレビューの言語</source>
        <translation>Preview language</translation>
    </message>
</context>
<context>
    <name>PushPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="573"/>
        <source>防</source>
        <translation>防</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="578"/>
        <source>防災アプリ・今</source>
        <translation>Disaster app · now</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="603"/>
        <source>優先度: 高（音あり）</source>
        <translation>Priority: high (with sound)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="604"/>
        <source>優先度: 通常</source>
        <translation>Priority: normal</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="604"/>
        <source>&#x3000;タップで全文を表示</source>
        <translation>   Tap to see the full text</translation>
    </message>
</context>
<context>
    <name>RadioPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="809"/>
        <source>♪&#x3000;開始チャイム</source>
        <translation>♪   Opening chime</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="809"/>
        <source>↻&#x3000;「繰り返します」</source>
        <translation>↻   “I repeat”</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="810"/>
        <source>♪&#x3000;終了チャイム</source>
        <translation>♪   Closing chime</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="822"/>
        <source>読み上げる文</source>
        <translation>Text to read out</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="835"/>
        <source>（録音した音声を流します）</source>
        <translation>(the recorded audio is played)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="840"/>
        <source>放送&#x3000;{seconds}（チャイム・繰り返しを含む）</source>
        <translation>Broadcast   {seconds} (incl. chimes, repeat)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="844"/>
        <source>区域: {zones}&#x3000;音声: {voice}</source>
        <translation>Zones: {zones}   Voice: {voice}</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="845"/>
        <source>一括（全区域）</source>
        <translation>All at once (all zones)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="846"/>
        <source>録音</source>
        <translation>Recording</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="846"/>
        <source>音声合成</source>
        <translation>Text-to-speech</translation>
    </message>
</context>
<context>
    <name>ReadingArea</name>
    <message>
        <location filename="../../widgets/previews.py" line="665"/>
        <source>読み（カタカナ）</source>
        <translation>Reading (katakana)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="690"/>
        <source>入力中の文は書いたとおり表示しています。読みを確認しています…</source>
        <translation>The text being typed is shown as written. Checking the reading…</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="691"/>
        <source>読みはまだありません</source>
        <translation>No reading yet</translation>
    </message>
</context>
<context>
    <name>SecretsDialog</name>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="38"/>
        <source>秘密情報の設定（トークン・パスワード）</source>
        <translation>Secrets (tokens, passwords)</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="42"/>
        <source>このPCのキーリング（Windows 資格情報マネージャーなど）に保存します。保存した値は二度と表示しません。</source>
        <translation>Stored in this PC&apos;s keyring (Windows Credential Manager or similar). A stored value is never shown again.</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="47"/>
        <source>項目</source>
        <translation>Secret</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="47"/>
        <source>名前</source>
        <translation>Key</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="47"/>
        <source>状態</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="61"/>
        <source>確認中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="67"/>
        <source>新しい値（入力しても表示されません）</source>
        <translation>New value (hidden as you type)</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="69"/>
        <location filename="../../widgets/secrets_dialog.py" line="120"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="70"/>
        <source>削除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="71"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="95"/>
        <source>設定済み</source>
        <translation>Set</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="95"/>
        <source>未設定</source>
        <translation>Not set</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="97"/>
        <source>（環境変数が優先）</source>
        <translation> (environment variable takes precedence)</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="120"/>
        <source>置き換え</source>
        <translation>Replace</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="133"/>
        <source>値を入力してください</source>
        <translation>Enter a value</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="139"/>
        <source>{key} を保存しました（この値は二度と表示しません）</source>
        <translation>{key} saved (the value is never shown again)</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="144"/>
        <source>保存できませんでした: {error}</source>
        <translation>Could not save: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="155"/>
        <source>{key} を削除しました</source>
        <translation>{key} deleted</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="156"/>
        <source>{key} は保存されていません</source>
        <translation>{key} is not stored</translation>
    </message>
    <message>
        <location filename="../../widgets/secrets_dialog.py" line="161"/>
        <source>削除できませんでした: {error}</source>
        <translation>Could not delete: {error}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="37"/>
        <location filename="../../widgets/signin_dialog.py" line="58"/>
        <location filename="../../widgets/signin_dialog.py" line="87"/>
        <source>サインイン</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="40"/>
        <source>配信・承認には操作者のサインインが必要です。
端末: {console}</source>
        <translation>An operator must sign in to send or approve.
Console: {console}</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="49"/>
        <source>操作者ID</source>
        <translation>Operator ID</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="50"/>
        <source>パスワード</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="60"/>
        <source>サインインせずに見るだけ</source>
        <translation>View only, without signing in</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="62"/>
        <source>配信状況と履歴を見られます。配信・承認はできません</source>
        <translation>You can see the delivery status and history, but cannot send or approve</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="75"/>
        <source>操作者IDとパスワードを入力してください</source>
        <translation>Enter your operator ID and password</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="78"/>
        <source>確認しています…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../widgets/signin_dialog.py" line="102"/>
        <source>サインインできませんでした（{error}）。データベースへの接続を確かめてください</source>
        <translation>Could not sign in ({error}). Check the connection to the database</translation>
    </message>
</context>
<context>
    <name>SimulatorBadge</name>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="118"/>
        <source>シミュレータで動いている装置</source>
        <translation>Devices running on a simulator</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="125"/>
        <source>シミュレータ: {names}</source>
        <translation>Simulator: {names}</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_banner.py" line="126"/>
        <source>実機ではなくシミュレータにつながっています。住民には届きません。</source>
        <translation>Connected to a simulator, not the real device. Nothing reaches residents.</translation>
    </message>
</context>
<context>
    <name>SmsPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="530"/>
        <source>送信元: 市役所（SMS）</source>
        <translation>From: City Hall (SMS)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="548"/>
        <source>［ホームページの記事のURL］</source>
        <translation>[website article URL]</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="552"/>
        <source>{parts}通分として課金（{encoding}・{units}文字）&#x3000;1人あたり約{cost}{currency}</source>
        <translation>Billed as {parts} messages ({encoding}, {units} characters)   about {cost}{currency} per person</translation>
    </message>
</context>
<context>
    <name>TemplateEditorDialog</name>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="222"/>
        <source>定型文の編集</source>
        <translation>Edit templates</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="226"/>
        <source>定型文の一覧</source>
        <translation>Templates</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="228"/>
        <source>新規</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="229"/>
        <source>複製</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="230"/>
        <source>削除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="256"/>
        <source>例: 【警戒レベル4】{地区}に避難指示</source>
        <translation>e.g. 【警戒レベル4】{地区}に避難指示</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="259"/>
        <source>差し込む項目は {地区} のように書きます</source>
        <translation>Write blanks like {地区}</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="261"/>
        <source>項目</source>
        <translation>Blank</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="261"/>
        <source>入力例</source>
        <translation>Example</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="273"/>
        <source>訳を追加する言語</source>
        <translation>Language to add</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="276"/>
        <source>訳を追加</source>
        <translation>Add translation</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="284"/>
        <source>名前</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="287"/>
        <source>緊急度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="289"/>
        <source>カテゴリ</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="290"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="291"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="292"/>
        <source>差し込む項目</source>
        <translation>Blanks</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="297"/>
        <source>訳（確認済みの訳だけが配信に使われます）</source>
        <translation>Translations (only reviewed ones are sent)</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="303"/>
        <source>同梱の定型文は変更できません。「複製」で自治体の定型文にできます。</source>
        <translation>Shipped templates cannot be changed. Use Copy to make one of your own.</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="308"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="309"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="342"/>
        <source>{name}（同梱）</source>
        <translation>{name} (shipped)</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="426"/>
        <location filename="../../widgets/template_dialogs.py" line="507"/>
        <source>{ と } の対応が取れていません</source>
        <translation>Unmatched { or }</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="445"/>
        <source>{lang}の訳を外す</source>
        <translation>Remove the {lang} translation</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="489"/>
        <source>{name}（複製）</source>
        <translation>{name} (copy)</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="503"/>
        <source>名前を入力してください</source>
        <translation>Enter a name</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="505"/>
        <source>件名と本文を入力してください</source>
        <translation>Enter a subject and a text</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="510"/>
        <source>{lang}の訳の件名と本文を入力してください</source>
        <translation>Enter the subject and text of the {lang} translation</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="522"/>
        <source>保存しました</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="536"/>
        <source>削除しました</source>
        <translation>Deleted</translation>
    </message>
</context>
<context>
    <name>TemplateFillDialog</name>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="63"/>
        <source>定型文「{name}」</source>
        <translation>Template “{name}”</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="67"/>
        <source>{category}・緊急度 {urgency}</source>
        <translation>{category} · urgency {urgency}</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="91"/>
        <source>この定型文には入力する項目がありません</source>
        <translation>This template has nothing to fill in</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="94"/>
        <source>差し込まれる文面</source>
        <translation>Text to be inserted</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="109"/>
        <source>確認済みの訳も入れる</source>
        <translation>Also insert the reviewed translations</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="122"/>
        <source>差し込むと、件名・本文・カテゴリ・緊急度を置き換えます。</source>
        <translation>Inserting replaces the subject, text, category and urgency.</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="126"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="127"/>
        <source>差し込む</source>
        <translation>Insert</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="160"/>
        <source>未入力: {names}</source>
        <translation>Not filled in: {names}</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="163"/>
        <source>すべての項目が入力されました</source>
        <translation>Everything is filled in</translation>
    </message>
</context>
<context>
    <name>TranslationDialog</name>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="127"/>
        <source>翻訳の確認</source>
        <translation>Review translations</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="130"/>
        <source>日本語（原文）</source>
        <translation>Japanese (original)</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="142"/>
        <source>機械翻訳で下書き</source>
        <translation>Draft with machine translation</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="143"/>
        <source>訳のない言語・確認前の言語を翻訳メモリと機械翻訳で下書きします。確認は人が行います。</source>
        <translation>Drafts the languages without a reviewed translation from the translation memory and machine translation. A person reviews them.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="145"/>
        <source>翻訳の設定…</source>
        <translation>Translation settings…</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="166"/>
        <source>言語ごとの訳の状態</source>
        <translation>Translation state per language</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="169"/>
        <source>訳の件名</source>
        <translation>Translated subject</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="171"/>
        <source>訳の本文</source>
        <translation>Translated text</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="177"/>
        <source>この訳で確定（確認済みにする）</source>
        <translation>Approve this translation (mark as reviewed)</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="184"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="185"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="197"/>
        <source>確認済みの訳だけが配信されます。日本語を書き直すと、訳は確認し直しになります。</source>
        <translation>Only reviewed translations are sent. Editing the Japanese means reviewing the translations again.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="201"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="202"/>
        <source>反映して閉じる</source>
        <translation>Apply and close</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="250"/>
        <source>✔ {lang}（確認済み{where}）</source>
        <translation>✔ {lang} (reviewed{where})</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="251"/>
        <source>⚠ {lang}（未確認{where}）</source>
        <translation>⚠ {lang} (not reviewed{where})</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="252"/>
        <source>⚠ {lang}（日本語が変わりました）</source>
        <translation>⚠ {lang} (the Japanese changed)</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="253"/>
        <source>✖ {lang}（訳なし）</source>
        <translation>✖ {lang} (no translation)</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="283"/>
        <source>出どころ: {origin}</source>
        <translation>Source: {origin}</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="287"/>
        <source>確認済み{who}</source>
        <translation>Reviewed{who}</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="289"/>
        <source>この訳で配信されます。</source>
        <translation>This translation will be sent.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="291"/>
        <source>まだ確認されていません。読んで直してから「確定」を押してください。</source>
        <translation>Not reviewed yet. Read it, correct it, then press Approve.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="293"/>
        <source>日本語の文面が変わりました。訳を直してから「確定」を押してください。</source>
        <translation>The Japanese text changed. Correct the translation, then press Approve.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="294"/>
        <source>訳がありません。機械翻訳で下書きするか、手で入力してください。</source>
        <translation>No translation. Draft one with machine translation or type it.</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="347"/>
        <source>翻訳中…（{n}言語）</source>
        <translation>Translating… ({n} languages)</translation>
    </message>
</context>
<context>
    <name>TranslationSettingsDialog</name>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="46"/>
        <source>機械翻訳の設定</source>
        <translation>Machine translation settings</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="60"/>
        <source>APIキーは設定ファイルに書かず、環境変数 ISSEI_TRANSLATION_API_KEY かOSのキーリング（translation.api_key）に入れてください。</source>
        <translation>Never put the API key in a settings file: use the environment variable ISSEI_TRANSLATION_API_KEY or the OS keyring (translation.api_key).</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="65"/>
        <source>翻訳サービス</source>
        <translation>Translation service</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="66"/>
        <source>サーバーのURL（LibreTranslate）</source>
        <translation>Server URL (LibreTranslate)</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="67"/>
        <source>プロキシ</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="68"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../widgets/translation_dialog.py" line="69"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>TranslationTab</name>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="187"/>
        <source>この訳は確認済み（住民に送ってよい）</source>
        <translation>This translation is reviewed (may be sent to residents)</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="190"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/template_dialogs.py" line="191"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
</context>
<context>
    <name>TriggersPanel</name>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="45"/>
        <source>配信する</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="46"/>
        <location filename="../../widgets/triggers_panel.py" line="150"/>
        <source>確認待ち</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="47"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="48"/>
        <source>何もしない</source>
        <translation>Nothing</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="77"/>
        <source>電文を開く…</source>
        <translation>Open bulletins…</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="79"/>
        <source>配信条件ファイル…</source>
        <translation>Rules file…</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="90"/>
        <source>気象庁の電文（XML）をここにドロップするか「電文を開く…」で選ぶと、自動配信が何をするかを表示します。確認だけで、送信はしません。</source>
        <translation>Drop JMA bulletins (XML) here or choose them with “Open bulletins…” to see what automatic sending would do. This only checks; nothing is sent.</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="96"/>
        <source>電文</source>
        <translation>Bulletin</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="96"/>
        <source>種類</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="96"/>
        <source>状態</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="96"/>
        <source>情報</source>
        <translation>Info</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="97"/>
        <source>判定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="97"/>
        <location filename="../../widgets/triggers_panel.py" line="127"/>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="97"/>
        <location filename="../../widgets/triggers_panel.py" line="127"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="109"/>
        <source>電文ごとの判定</source>
        <translation>Decision per bulletin</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="114"/>
        <source>配信される件名と本文</source>
        <translation>Subject and body that would be sent</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="115"/>
        <source>行を選ぶと、配信される件名と本文を表示します</source>
        <translation>Select a row to see the subject and body that would be sent</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="127"/>
        <source>受付</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="127"/>
        <source>条件</source>
        <translation>Rule</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="135"/>
        <source>確認待ちの自動配信</source>
        <translation>Automatic sends awaiting approval</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="137"/>
        <source>承認して配信</source>
        <translation>Approve and send</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="139"/>
        <source>見送る</source>
        <translation>Skip</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="141"/>
        <source>読み直す</source>
        <translation>Reload</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="185"/>
        <source>配信条件ファイルを選ぶ</source>
        <translation>Choose the rules file</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="186"/>
        <source>配信条件 (*.toml);;すべてのファイル (*)</source>
        <translation>Rules (*.toml);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="199"/>
        <source>配信条件ファイルが選ばれていません</source>
        <translation>No rules file chosen</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="201"/>
        <source>配信条件: {path}</source>
        <translation>Rules: {path}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="207"/>
        <source>電文を開く</source>
        <translation>Open bulletins</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="208"/>
        <source>気象庁の電文 (*.xml *.txt);;すべてのファイル (*)</source>
        <translation>JMA bulletins (*.xml *.txt);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="227"/>
        <source>先に「配信条件ファイル…」で配信条件を選んでください。</source>
        <translation>First choose the rules with “Rules file…”.</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="235"/>
        <source>電文を確認しています…（送信はしません）</source>
        <translation>Checking the bulletins… (nothing is sent)</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="244"/>
        <source>{n} 件の判定を表示しています。確認だけで、何も送信していません。</source>
        <translation>Showing {n} decisions. This was only a check; nothing was sent.</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="251"/>
        <source>確認できませんでした: {error}</source>
        <translation>Could not check: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="287"/>
        <source>電文: {source}</source>
        <translation>Bulletin: {source}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="288"/>
        <source>判定: {decision}</source>
        <translation>Decision: {decision}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="291"/>
        <source>EventID: {id}</source>
        <translation>EventID: {id}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="293"/>
        <source>理由: {reason}</source>
        <translation>Reason: {reason}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="295"/>
        <source>件名: {title}</source>
        <translation>Subject: {title}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="311"/>
        <source>配信条件ファイルを選ぶと、確認待ちを表示します</source>
        <translation>Choose a rules file to see what awaits approval</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="324"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="326"/>
        <source>（取消の知らせ）</source>
        <translation>(retraction notice) </translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="335"/>
        <source>確認待ち {n} 件</source>
        <translation>{n} awaiting approval</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="339"/>
        <source>確認待ちを読めませんでした: {error}</source>
        <translation>Could not read the approval queue: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="356"/>
        <source>#{id} を配信しました（配信ID {mid}）</source>
        <translation>Sent #{id} (message ID {mid})</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="367"/>
        <source>#{id} を見送りました</source>
        <translation>Skipped #{id}</translation>
    </message>
</context>
<context>
    <name>VoicePanel</name>
    <message>
        <location filename="../../widgets/voice_panel.py" line="73"/>
        <source>音声（防災無線・電話）</source>
        <translation>Voice (disaster radio, phone)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="88"/>
        <source>録音</source>
        <translation>Recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="89"/>
        <source>読み上げ（音声合成）</source>
        <translation>Read-out (text-to-speech)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="91"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="119"/>
        <source>録音に使うマイク</source>
        <translation>Microphone for recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="120"/>
        <source>既定の入力装置</source>
        <translation>Default input device</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="121"/>
        <source>マイク</source>
        <translation>Microphone</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="126"/>
        <location filename="../../widgets/voice_panel.py" line="128"/>
        <source>音量</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="127"/>
        <source>録音の音量</source>
        <translation>Recording level</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="130"/>
        <source>音割れしています。マイクから少し離れるか、声を小さくして録り直してください</source>
        <translation>The sound is clipping. Move a little away from the microphone or speak more softly, and record again</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="134"/>
        <location filename="../../widgets/voice_panel.py" line="222"/>
        <location filename="../../widgets/voice_panel.py" line="291"/>
        <source>● 録音開始</source>
        <translation>● Start recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="137"/>
        <source>0.0 秒</source>
        <translation>0.0 s</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="146"/>
        <location filename="../../widgets/voice_panel.py" line="301"/>
        <source>▶ 再生して確かめる</source>
        <translation>▶ Play to check</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="150"/>
        <source>この録音を使う</source>
        <translation>Use this recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="178"/>
        <source>マイクの一覧を取得できません: {error}</source>
        <translation>Cannot list the microphones: {error}</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="203"/>
        <source>録音を準備しています…</source>
        <translation>Preparing to record…</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="209"/>
        <source>■ 録音停止</source>
        <translation>■ Stop recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="214"/>
        <source>録音中です。話し終えたら「録音停止」を押してください</source>
        <translation>Recording. When you have finished speaking, press Stop recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="245"/>
        <source>{s:.1f} 秒</source>
        <translation>{s:.1f} s</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="254"/>
        <source>無音を除き、音量をそろえています…</source>
        <translation>Trimming silence and evening out the level…</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="271"/>
        <source>{s:.1f} 秒（録音 {raw:.1f} 秒から前後の無音を除き、音量をそろえました）</source>
        <translation>{s:.1f} s (silence trimmed from the {raw:.1f} s recording, level evened out)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="275"/>
        <source>再生して確かめてから「この録音を使う」を押してください</source>
        <translation>Play it to check, then press Use this recording</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="290"/>
        <source>● 録り直す</source>
        <translation>● Record again</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="314"/>
        <source>この録音を使います: {name}</source>
        <translation>Using this recording: {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="327"/>
        <location filename="../../widgets/voice_panel.py" line="372"/>
        <source>読み上げる文</source>
        <translation>Text to read out</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="330"/>
        <source>読みを確認</source>
        <translation>Check the reading</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="333"/>
        <location filename="../../widgets/voice_panel.py" line="461"/>
        <source>▶ 合成して再生</source>
        <translation>▶ Synthesize and play</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="339"/>
        <source>読み（カタカナ）</source>
        <translation>Reading (katakana)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="341"/>
        <source>語</source>
        <translation>Word</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="341"/>
        <source>読み</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="350"/>
        <source>語（例: 土佐市）</source>
        <translation>Word (e.g. 土佐市)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="351"/>
        <source>読みを直す語</source>
        <translation>Word to correct</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="353"/>
        <source>正しい読み（カタカナ、例: トサシ）</source>
        <translation>Correct reading (katakana, e.g. トサシ)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="354"/>
        <source>正しい読み</source>
        <translation>Correct reading</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="355"/>
        <source>読み辞書に登録</source>
        <translation>Add to the reading dictionary</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="375"/>
        <source>読み（この通りに読み上げます）</source>
        <translation>Reading (read out exactly like this)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="377"/>
        <source>語ごとの読み（違っていれば、選んで直してください）</source>
        <translation>Reading per word (if one is wrong, select it and correct it)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="389"/>
        <source>読みを調べています…</source>
        <translation>Looking up the reading…</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="430"/>
        <source>「{word}」の読みを読み辞書に登録しました</source>
        <translation>Reading of “{word}” added to the reading dictionary</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="452"/>
        <source>音声を合成しています…</source>
        <translation>Synthesizing speech…</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="458"/>
        <source>（保存済みの音声）</source>
        <translation> (saved audio)</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="459"/>
        <source>{s:.1f} 秒{cached}&#x3000;読み: {reading}</source>
        <translation>{s:.1f} s{cached}   Reading: {reading}</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="474"/>
        <source>■ 再生停止</source>
        <translation>■ Stop playback</translation>
    </message>
    <message>
        <location filename="../../widgets/voice_panel.py" line="497"/>
        <source>Jアラート受信中（{title}）: 防災無線の手動放送は中断・停止されています</source>
        <translation>J-Alert in progress ({title}): manual broadcasts on the disaster radio are interrupted and held</translation>
    </message>
</context>
<context>
    <name>WebsitePreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="618"/>
        <source>  ホームページ ＞ 新着情報</source>
        <translation>  Home &gt; News</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="646"/>
        <source>新着一覧での表示: {excerpt}</source>
        <translation>In the news list: {excerpt}</translation>
    </message>
</context>
<context>
    <name>XPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="478"/>
        <source>防災情報&#x3000;@bousai_city</source>
        <translation>Disaster info  @bousai_city</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="493"/>
        <source>［ホームページの記事のURL］</source>
        <translation>[website article URL]</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="498"/>
        <source>{n}／{limit}（全角は2と数えます）</source>
        <translation>{n}/{limit} (full-width characters count as 2)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="501"/>
        <source>{i}/{n}件目&#x3000;</source>
        <translation>Post {i}/{n}   </translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="511"/>
        <source>長いためスレッド（返信の連なり）で投稿します</source>
        <translation>Too long: posted as a thread (a chain of replies)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="512"/>
        <source>ホームページの記事へのリンクを付けて投稿します</source>
        <translation>Posted with a link to the website article</translation>
    </message>
</context>
<context>
    <name>panel</name>
    <message>
        <location filename="../../widgets/screenshots.py" line="241"/>
        <source>■ 録音停止</source>
        <translation>■ Stop recording</translation>
    </message>
</context>
</TS>
