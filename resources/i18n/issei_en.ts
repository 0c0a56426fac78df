<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ja_JP">
<context>
    <name>ComposerPanel</name>
    <message>
        <location filename="../../widgets/composer.py" line="80"/>
        <source>作成</source>
        <translation>Compose</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="88"/>
        <source>定型文を選ぶ</source>
        <translation>Choose a template</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="89"/>
        <source>定型文を選ぶと、項目を埋める画面が開きます（Ctrl+T）</source>
        <translation>Choosing a template opens a form for its blanks (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="95"/>
        <location filename="../../widgets/composer.py" line="96"/>
        <source>定型文の編集</source>
        <translation>Edit templates</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="102"/>
        <source>例: 避難指示の発令について</source>
        <translation>e.g. 避難指示の発令について</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="104"/>
        <source>住民に伝える内容を書いてください</source>
        <translation>Write what residents need to know</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="116"/>
        <source>空欄は全地区（例: 北地区, 南地区）</source>
        <translation>Empty means all areas (e.g. 北地区, 南地区)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="118"/>
        <source>訓練として送る（訓練用の受け口に記録）</source>
        <translation>Send as a drill (recorded by the drill sink)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="128"/>
        <source>定型文</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="129"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="130"/>
        <source>本文</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="133"/>
        <source>緊急度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="135"/>
        <source>カテゴリ</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="136"/>
        <source>地区</source>
        <translation>Areas</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="137"/>
        <source>言語</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="161"/>
        <location filename="../../widgets/composer.py" line="470"/>
        <source>一斉配信</source>
        <translation>Send to all</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="166"/>
        <source>確認画面を開きます（Ctrl+Enter）</source>
        <translation>Opens the confirmation (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="205"/>
        <source>配信する言語を選ぶ</source>
        <translation>Choose the languages to send</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="220"/>
        <source>翻訳…</source>
        <translation>Translate…</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="222"/>
        <source>訳を用意して確認します（Ctrl+Shift+L）</source>
        <translation>Prepare and review translations (Ctrl+Shift+L)</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="236"/>
        <source>媒体と対象人数</source>
        <translation>Media and recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="276"/>
        <source>準備中</source>
        <translation>Coming soon</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="290"/>
        <source>— 定型文を選ぶ —</source>
        <translation>— Choose a template —</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="298"/>
        <source>★ {name}</source>
        <translation>★ {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="341"/>
        <source>日本語＋{n}言語</source>
        <translation>Japanese + {n} languages</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="344"/>
        <source>日本語のみ</source>
        <translation>Japanese only</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="366"/>
        <source>✖ {lang}: 訳なし</source>
        <translation>✖ {lang}: no translation</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="368"/>
        <source>⚠ {lang}: 要再確認</source>
        <translation>⚠ {lang}: review again</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="370"/>
        <source>⚠ {lang}: 未確認</source>
        <translation>⚠ {lang}: not reviewed</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="457"/>
        <source>配信する媒体を1つ以上選んでください</source>
        <translation>Choose at least one medium</translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="461"/>
        <source>配信できません: </source>
        <translation>Cannot send: </translation>
    </message>
    <message>
        <location filename="../../widgets/composer.py" line="464"/>
        <source>内容を確かめてから「一斉配信」を押してください</source>
        <translation>Check the content, then press Send to all</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="51"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="51"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="52"/>
        <source>配信の確認</source>
        <translation>Confirm sending</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="62"/>
        <source>訓練配信です
実際の住民には届きません（訓練用の受け口に記録します）</source>
        <translation>This is a DRILL
It does not reach real residents (recorded by the drill sink)</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="69"/>
        <source>本番配信です
実際の住民に届きます</source>
        <translation>This is a LIVE send
It reaches real residents</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="80"/>
        <source>件名</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="82"/>
        <source>カテゴリ・緊急度</source>
        <translation>Category · urgency</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="86"/>
        <source>地区</source>
        <translation>Areas</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="87"/>
        <source>全地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="91"/>
        <source>言語</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="102"/>
        <source>次のエラーを直すまで配信できません:</source>
        <translation>Cannot send until these errors are fixed:</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="111"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="116"/>
        <source>配信する</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="128"/>
        <source>訓練として配信する</source>
        <translation>Send as a DRILL</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="128"/>
        <source>本番として配信する</source>
        <translation>Send LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="144"/>
        <source>媒体</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="144"/>
        <source>対象</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/confirm_dialog.py" line="144"/>
        <source>確認結果</source>
        <translation>Check</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <location filename="../../widgets/app.py" line="309"/>
        <source>コンソールを起動できませんでした。</source>
        <translation>The console could not start.</translation>
    </message>
</context>
<context>
    <name>ConsoleBridge</name>
    <message>
        <location filename="../../widgets/bridge.py" line="179"/>
        <source>処理中にエラーが起きました。</source>
        <translation>An error occurred while working.</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="232"/>
        <source>文面の確認または宛先の集計に失敗しました。</source>
        <translation>Checking the text or counting the recipients failed.</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="410"/>
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
        <location filename="../../widgets/previews.py" line="203"/>
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
    <name>FindingsBar</name>
    <message>
        <location filename="../../widgets/previews.py" line="101"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="78"/>
        <location filename="../../widgets/previews.py" line="108"/>
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
        <location filename="../../widgets/history.py" line="359"/>
        <source>表示する配信</source>
        <translation>Messages to show</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="360"/>
        <source>すべて</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="361"/>
        <source>本番のみ</source>
        <translation>Live only</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="362"/>
        <source>訓練のみ</source>
        <translation>Drills only</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="368"/>
        <source>履歴を読み直す</source>
        <translation>Reload history</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="369"/>
        <source>履歴を読み直す（F5）</source>
        <translation>Reload history (F5)</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="374"/>
        <source>配信の履歴</source>
        <translation>Message history</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="392"/>
        <source>表示</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="418"/>
        <source>配信台帳</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="445"/>
        <source>送った文面を選ぶ</source>
        <translation>Choose a text sent</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="449"/>
        <source>再送（失敗分）</source>
        <translation>Retry failed</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="450"/>
        <source>配信明細…</source>
        <translation>Deliveries…</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="451"/>
        <source>この内容で新規作成</source>
        <translation>New message from this text</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="463"/>
        <source>送った文面</source>
        <translation>Text sent</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="468"/>
        <location filename="../../widgets/history.py" line="555"/>
        <source>失敗した宛先</source>
        <translation>Failed recipients</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="507"/>
        <source>配信を選ぶと、ここに台帳が出ます</source>
        <translation>Choose a message to see its ledger here</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="512"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="512"/>
        <source>【本番】</source>
        <translation>[LIVE] </translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="514"/>
        <source>全地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="517"/>
        <source>{time}&#x3000;{category}・{urgency}&#x3000;地区: {areas}&#x3000;言語: {langs}
送信者: {who}&#x3000;端末: {console}&#x3000;配信ID: {id}</source>
        <translation>{time}   {category} · {urgency}   Areas: {areas}   Languages: {langs}
Sent by: {who}   Console: {console}   Message ID: {id}</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="554"/>
        <source>失敗した宛先（先頭 {n} 件）</source>
        <translation>Failed recipients (first {n})</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../widgets/labels.py" line="80"/>
        <source>✔ OK</source>
        <translation>✔ OK</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="81"/>
        <source>⚠ 警告</source>
        <translation>⚠ Warning</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="82"/>
        <source>✖ エラー</source>
        <translation>✖ Error</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="97"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="99"/>
        <source>友だち全員</source>
        <translation>All friends</translation>
    </message>
    <message>
        <location filename="../../widgets/labels.py" line="100"/>
        <source>{n} 件</source>
        <translation>{n}</translation>
    </message>
</context>
<context>
    <name>LinePreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="305"/>
        <source>防</source>
        <translation>防</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="311"/>
        <source>防災情報（公式アカウント）</source>
        <translation>Disaster info (official account)</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="320"/>
        <source>🔕 通知音なしで届きます</source>
        <translation>🔕 Arrives without a notification sound</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../widgets/main_window.py" line="56"/>
        <source>Issei 一斉配信コンソール</source>
        <translation>Issei mass notification console</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="100"/>
        <source>【訓練】</source>
        <translation>[DRILL] </translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="100"/>
        <source> — 本番</source>
        <translation> — LIVE</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="105"/>
        <source>訓練用の受け口に記録します: {path}</source>
        <translation>Recorded by the drill sink: {path}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="133"/>
        <source>配信（Ctrl+1）</source>
        <translation>Send (Ctrl+1)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="134"/>
        <source>履歴・台帳（Ctrl+2）</source>
        <translation>History and ledger (Ctrl+2)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="135"/>
        <source>自動配信（Ctrl+3）</source>
        <translation>Automatic (Ctrl+3)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="164"/>
        <source>端末: {name}</source>
        <translation>Console: {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="192"/>
        <source>定型文(&amp;T)</source>
        <translation>&amp;Templates</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="193"/>
        <source>定型文を使う…</source>
        <translation>Use a template…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="196"/>
        <source>定型文の編集…</source>
        <translation>Edit templates…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="199"/>
        <source>翻訳(&amp;L)</source>
        <translation>Trans&amp;lation</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="200"/>
        <source>翻訳の確認…</source>
        <translation>Review translations…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="204"/>
        <source>表示(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="205"/>
        <source>配信</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="206"/>
        <source>履歴・台帳</source>
        <translation>History and ledger</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="207"/>
        <source>自動配信</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="211"/>
        <source>履歴を読み直す</source>
        <translation>Reload history</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="214"/>
        <source>配信明細…</source>
        <translation>Deliveries…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="220"/>
        <source>言語 / Language</source>
        <translation>言語 / Language</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="242"/>
        <source>文面を組み立てられませんでした。</source>
        <translation>The text could not be rendered.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="270"/>
        <source>確認しています…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="277"/>
        <source>配信内容を確認できませんでした。</source>
        <translation>The message could not be checked.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="298"/>
        <source>配信を登録しています…</source>
        <translation>Queuing…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="311"/>
        <source>配信を登録しました（配信ID {id}）</source>
        <translation>Queued (message ID {id})</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="320"/>
        <source>配信できませんでした。次の点を直してください。</source>
        <translation>Not sent. Please fix the following.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="324"/>
        <source>配信の登録中にエラーが起きました。配信状況を確かめてください。</source>
        <translation>An error occurred while queuing the send. Please check the delivery status.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="333"/>
        <source>定型文を読めませんでした。</source>
        <translation>The templates could not be read.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="338"/>
        <source>読めない定型文があります: </source>
        <translation>Some templates could not be read: </translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="368"/>
        <source>定型文「{name}」を差し込みました</source>
        <translation>Template “{name}” inserted</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="385"/>
        <source>先に「言語」で訳す言語を選んでください</source>
        <translation>First choose the languages to translate into under Languages</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="445"/>
        <source>● 他の端末と連携中</source>
        <translation>● Linked with other consoles</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="448"/>
        <source>● 他の端末との連携が切れています</source>
        <translation>● Link to other consoles lost</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="503"/>
        <source>{n} 件を再送に回しました</source>
        <translation>{n} deliveries queued again</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="509"/>
        <source>再送を登録できませんでした。</source>
        <translation>The retry could not be queued.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="516"/>
        <source>配信中止</source>
        <translation>Stop sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="517"/>
        <source>まだ送っていない配信を取りやめます。送信中のものは止まりません。</source>
        <translation>Deliveries not sent yet will be cancelled. Those being sent right now will not stop.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="518"/>
        <source>中止する</source>
        <translation>Stop sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="519"/>
        <source>続ける</source>
        <translation>Keep sending</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="534"/>
        <source>未送信の {n} 件を取りやめました</source>
        <translation>{n} unsent deliveries cancelled</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="537"/>
        <source>配信を中止できませんでした。</source>
        <translation>Sending could not be stopped.</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="543"/>
        <source>● 配信エンジン稼働中</source>
        <translation>● Delivery engine running</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="546"/>
        <source>● 配信エンジン停止</source>
        <translation>● Delivery engine stopped</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="559"/>
        <source>表示言語は次に起動したときに切り替わります（Takes effect after restart）</source>
        <translation>The display language changes at the next start (次に起動したときに切り替わります)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="574"/>
        <source>配信中です</source>
        <translation>Sending in progress</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="576"/>
        <source>配信中です。閉じると送信が止まり、残りは次に起動したときに再開します。閉じますか？</source>
        <translation>Sending is in progress. Closing stops it; the rest resumes at the next start. Close anyway?</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="579"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="580"/>
        <source>配信を続ける</source>
        <translation>Keep sending</translation>
    </message>
</context>
<context>
    <name>MediumPreview</name>
    <message>
        <location filename="../../widgets/previews.py" line="136"/>
        <source>{medium}のプレビュー</source>
        <translation>{medium} preview</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="139"/>
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
    <name>PreviewsPanel</name>
    <message>
        <location filename="../../widgets/previews.py" line="398"/>
        <source>ほかの媒体のプレビュー</source>
        <translation>Previews of the other media</translation>
    </message>
    <message>
        <location filename="../../widgets/previews.py" line="407"/>
        <location filename="../../widgets/previews.py" line="414"/>
        <source>プレビューの言語</source>
        <translation>Preview language</translation>
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
        <location filename="../../widgets/triggers_panel.py" line="355"/>
        <source>#{id} を配信しました（配信ID {mid}）</source>
        <translation>Sent #{id} (message ID {mid})</translation>
    </message>
    <message>
        <location filename="../../widgets/triggers_panel.py" line="367"/>
        <source>#{id} を見送りました</source>
        <translation>Skipped #{id}</translation>
    </message>
</context>
</TS>
