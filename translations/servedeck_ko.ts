<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="61"/>
        <location filename="../app/guicommand.cpp" line="102"/>
        <source>ServeDeck</source>
        <translation>ServeDeck</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentListModel</name>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="22"/>
        <source>%1 CPU</source>
        <translation>CPU %1</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="25"/>
        <source>%1 GPU</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="244"/>
        <source>Revoked %1: cut off, and refused should it try to join again under this id</source>
        <translation>%1 폐기됨: 연결이 끊겼으며, 이 ID로 다시 참여하려 하면 거부됩니다</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="248"/>
        <source>Its own credential, issued when it first joined; the join token no longer lets this id in</source>
        <translation>처음 참여할 때 발급된 이 에이전트만의 자격 증명입니다. 이제 참여 토큰으로는 이 ID로 들어올 수 없습니다</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="250"/>
        <source>Reserved by the routes placed on this agent: %1 of %2 CPU, %3 of %4</source>
        <translation>이 에이전트에 배치된 라우트의 예약: CPU %2 중 %1, 메모리 %4 중 %3</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="263"/>
        <source>local</source>
        <translation>로컬</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="263"/>
        <source>remote</source>
        <translation>원격</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="277"/>
        <source>%1 % (%2 cores)</source>
        <translation>%1 % (%2코어)</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="288"/>
        <source>revoked</source>
        <translation>폐기됨</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="290"/>
        <source>issued %1</source>
        <translation>%1 발급</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="309"/>
        <source>GPU %1 · %2</source>
        <translation>GPU %1 · %2</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="311"/>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="315"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="340"/>
        <source>Agent</source>
        <translation>에이전트</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="342"/>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="344"/>
        <source>CPU cores</source>
        <translation>CPU 코어</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="346"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="348"/>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="350"/>
        <source>Reserved</source>
        <translation>예약</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="352"/>
        <source>Utilization</source>
        <translation>사용률</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="354"/>
        <source>Memory used</source>
        <translation>사용 메모리</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="356"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="358"/>
        <source>Credential</source>
        <translation>자격 증명</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentsView</name>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="35"/>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="36"/>
        <source>Revoke…</source>
        <translation>폐기…</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="47"/>
        <source>This console runs no replicas, so it has no agents. Start it with replicas enabled, or let remote agents join.</source>
        <translation>이 콘솔은 레플리카를 실행하지 않으므로 에이전트가 없습니다. 레플리카를 사용하도록 시작하거나 원격 에이전트를 연결하세요.</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="68"/>
        <source>Join string for remote agents:</source>
        <translation>원격 에이전트 참여 문자열:</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="75"/>
        <source>Revoke the selected remote agent&apos;s credential: it is cut off at once, its replicas are replaced elsewhere, and it cannot join again under this id</source>
        <translation>선택한 원격 에이전트의 자격 증명을 폐기합니다. 즉시 연결이 끊기고, 레플리카는 다른 곳에서 다시 띄우며, 이 ID로는 다시 참여할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="135"/>
        <source>The pending queue cannot be read: %1</source>
        <translation>대기열을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="140"/>
        <source>Pending queue: no replica waits for room.</source>
        <translation>대기열: 자원을 기다리는 레플리카가 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="141"/>
        <source>Pending queue: %1 replica(s) wait for room, by priority, then by age.</source>
        <translation>대기열: 레플리카 %1개가 자원을 기다립니다(우선순위, 그다음 대기 시간 순).</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="160"/>
        <source>Agent credentials cannot be read: %1</source>
        <translation>에이전트 자격 증명을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="195"/>
        <source>Revoke agent</source>
        <translation>에이전트 폐기</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="196"/>
        <source>Revoke agent %1? It is cut off at once, the replicas it runs count as lost and are replaced elsewhere, and it cannot join again under this id, with its credential or the join token.</source>
        <translation>에이전트 %1을(를) 폐기할까요? 즉시 연결이 끊기고, 실행 중인 레플리카는 유실로 처리되어 다른 곳에서 다시 띄우며, 자격 증명으로도 참여 토큰으로도 이 ID로는 다시 참여할 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="200"/>
        <source>Revoke</source>
        <translation>폐기</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="222"/>
        <source>Endpoints reserve %1 of %2 CPU cores and %3 of %4 memory</source>
        <translation>엔드포인트 예약: CPU 코어 %2개 중 %1개, 메모리 %4 중 %3</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="226"/>
        <source>, %1 of %2 GPUs</source>
        <translation>, GPU %2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="230"/>
        <source>That is more than there is: the rest waits in the pending queue below.</source>
        <translation>가진 자원보다 많습니다. 나머지는 아래 대기열에서 기다립니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AlertRuleListModel</name>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="59"/>
        <source>Condition</source>
        <translation>조건</translation>
    </message>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="61"/>
        <source>For</source>
        <translation>지속</translation>
    </message>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="63"/>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AnalysisDecisionModel</name>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="105"/>
        <source>Step</source>
        <translation>단계</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="107"/>
        <source>Check</source>
        <translation>검사</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="109"/>
        <source>n canary</source>
        <translation>카나리 n</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="111"/>
        <source>n stable</source>
        <translation>안정 n</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="113"/>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="115"/>
        <source>Stable</source>
        <translation>안정 버전</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="117"/>
        <source>Effect</source>
        <translation>효과 크기</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="119"/>
        <source>Verdict</source>
        <translation>판정</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleRuleForm</name>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="74"/>
        <source>A metric name starts with a letter or _ and holds letters, digits, _, : or .</source>
        <translation>메트릭 이름은 영문자나 _로 시작하고 영문자, 숫자, _, :, . 만 쓸 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="76"/>
        <source>The step must not be 0: positive scales out, negative scales in.</source>
        <translation>단계 크기는 0일 수 없습니다. 양수는 스케일 아웃, 음수는 스케일 인입니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="78"/>
        <source>The target per replica must be greater than 0.</source>
        <translation>레플리카당 목표값은 0보다 커야 합니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="80"/>
        <source>Max replicas must be at least 1.</source>
        <translation>최대 레플리카는 1 이상이어야 합니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="82"/>
        <source>Min replicas (%1) is more than max replicas (%2).</source>
        <translation>최소 레플리카(%1)가 최대 레플리카(%2)보다 큽니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="86"/>
        <source>Delays and cooldown must not be negative.</source>
        <translation>지연 시간과 쿨다운은 음수일 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="115"/>
        <source>Step by</source>
        <translation>단계 크기</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="116"/>
        <source>Target per replica</source>
        <translation>레플리카당 목표</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="151"/>
        <source>Where the metric comes from: the replica&apos;s kernel (CPU, memory, GPU), the model server, the proxy in front of it, or a custom exporter</source>
        <translation>메트릭 출처: 레플리카의 커널(CPU, 메모리, GPU), 모델 서버, 앞단 프록시 또는 사용자 정의 수집기</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="166"/>
        <source>Positive scales out, negative scales in</source>
        <translation>양수는 스케일 아웃, 음수는 스케일 인</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="169"/>
        <source>Replicas become ceil(metric / target)</source>
        <translation>레플리카 수 = ceil(메트릭 / 목표)</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="172"/>
        <source>How long the condition must hold before scaling out</source>
        <translation>스케일 아웃 전에 조건이 유지되어야 하는 시간</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="173"/>
        <source>How long the condition must hold before scaling in</source>
        <translation>스케일 인 전에 조건이 유지되어야 하는 시간</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="174"/>
        <source>How long to wait after any change before the next</source>
        <translation>변경 후 다음 변경까지 기다리는 시간</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="201"/>
        <source>Source</source>
        <translation>출처</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="203"/>
        <source>Metric</source>
        <translation>메트릭</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="210"/>
        <source>When</source>
        <translation>조건</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="212"/>
        <source>Then</source>
        <translation>동작</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="217"/>
        <source>Min replicas</source>
        <translation>최소 레플리카</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="219"/>
        <source>Max replicas</source>
        <translation>최대 레플리카</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="222"/>
        <source>Scale-out delay</source>
        <translation>스케일 아웃 지연</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="224"/>
        <source>Scale-in delay</source>
        <translation>스케일 인 지연</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="226"/>
        <source>Cooldown</source>
        <translation>쿨다운</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="327"/>
        <source>%1 exports no Prometheus metrics: rules can use the proxy&apos;s metrics and the kernel&apos;s.</source>
        <translation>%1은(는) Prometheus 메트릭을 내보내지 않습니다: 규칙에는 프록시와 커널의 메트릭을 쓸 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="330"/>
        <source>%1: %2 is read from %3; its own names work too.</source>
        <translation>%1: %2은(는) %3에서 읽습니다. 런타임 고유의 이름도 쓸 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="423"/>
        <source>&lt;metric&gt;</source>
        <translation>&lt;메트릭&gt;</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="427"/>
        <source>Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)</source>
        <translation>%3일 때 레플리카를 ceil(%1 / %2)개로 조정 (아웃은 %4초, 인은 %5초 후)</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="432"/>
        <source>Scale out by %1 when %2 for %3 s</source>
        <translation>%2 상태가 %3초 지속되면 %1개 스케일 아웃</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="434"/>
        <source>Scale in by %1 when %2 for %3 s</source>
        <translation>%2 상태가 %3초 지속되면 %1개 스케일 인</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="436"/>
        <source>Keeps %1 to %2 replicas and waits %3 s after any change.</source>
        <translation>레플리카를 %1~%2개로 유지하고, 변경 후 %3초 기다립니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="455"/>
        <source>New rule</source>
        <translation>새 규칙</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="456"/>
        <source>Edit rule %1</source>
        <translation>규칙 %1 편집</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Create rule</source>
        <translation>규칙 만들기</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Save rule</source>
        <translation>규칙 저장</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Saving…</source>
        <translation>저장 중…</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="506"/>
        <source>ConflictingRules: this rule conflicts with rule %1, “%2”.</source>
        <translation>ConflictingRules: 이 규칙은 기존 규칙 %1(“%2”)과 충돌합니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleView</name>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="46"/>
        <source>New rule</source>
        <translation>새 규칙</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="47"/>
        <source>Delete rule…</source>
        <translation>규칙 삭제…</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="88"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="97"/>
        <source>Rules</source>
        <translation>규칙</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="102"/>
        <source>Scale events</source>
        <translation>스케일 이벤트</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="165"/>
        <source>▲ %1 up · ▼ %2 down (last %3 events)</source>
        <translation>▲ 증가 %1 · ▼ 감소 %2 (최근 이벤트 %3개)</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="179"/>
        <source>Delete rule</source>
        <translation>규칙 삭제</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="180"/>
        <source>Delete the rule “%1”? The endpoint keeps its current replicas.</source>
        <translation>규칙 “%1”을(를) 삭제할까요? 엔드포인트는 현재 레플리카 수를 유지합니다.</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="181"/>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ChannelDialog</name>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="48"/>
        <source>Saving…</source>
        <translation>저장 중…</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="49"/>
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="51"/>
        <source>Add notification channel</source>
        <translation>알림 채널 추가</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="53"/>
        <source>e.g. on-call</source>
        <translation>예: on-call</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="60"/>
        <source>Shown by this console&apos;s desktop, with a click that opens the event.</source>
        <translation>이 콘솔의 데스크톱에 표시되며, 누르면 해당 이벤트를 엽니다.</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="70"/>
        <source>optional; signs each payload (HMAC-SHA256)</source>
        <translation>선택; 각 페이로드에 서명 (HMAC-SHA256)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="71"/>
        <source>&amp;URL</source>
        <translation>URL(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="72"/>
        <source>&amp;Secret</source>
        <translation>비밀 키(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="80"/>
        <source>one argument a line; run without a shell</source>
        <translation>한 줄에 인자 하나; 셸 없이 실행</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="83"/>
        <source>&amp;Program</source>
        <translation>프로그램(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="84"/>
        <source>&amp;Arguments</source>
        <translation>인자(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="123"/>
        <source> s</source>
        <translation> 초</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="124"/>
        <source>After a notification, the same event is only counted for this long, then sent once with its count</source>
        <translation>알림 뒤 이 기간 동안은 같은 이벤트를 세기만 하고, 끝나면 횟수와 함께 한 번 보냅니다</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="129"/>
        <source>&amp;Name</source>
        <translation>이름(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="130"/>
        <source>&amp;Kind</source>
        <translation>종류(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="132"/>
        <source>&amp;Events</source>
        <translation>이벤트(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="133"/>
        <source>None checked: every event.</source>
        <translation>아무것도 고르지 않으면 모든 이벤트입니다.</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="136"/>
        <source>Least &amp;severity</source>
        <translation>최소 심각도(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="137"/>
        <source>E&amp;ndpoint</source>
        <translation>엔드포인트(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="138"/>
        <source>&amp;Quiet period</source>
        <translation>조용한 기간(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ChannelListModel</name>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="13"/>
        <source>this console</source>
        <translation>이 콘솔</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="48"/>
        <source>Desktop</source>
        <translation>데스크톱</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="50"/>
        <source>Webhook</source>
        <translation>웹훅</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="52"/>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="61"/>
        <source>Info</source>
        <translation>정보</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="63"/>
        <source>Warning</source>
        <translation>경고</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="65"/>
        <source>Critical</source>
        <translation>심각</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="93"/>
        <source>Signed with its secret (HMAC-SHA256)</source>
        <translation>비밀 키로 서명함 (HMAC-SHA256)</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="93"/>
        <source>Not signed</source>
        <translation>서명하지 않음</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="97"/>
        <source>All events</source>
        <translation>모든 이벤트</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="98"/>
        <source>%1, %2 and above</source>
        <translation>%1, %2 이상</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="105"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="111"/>
        <source>Yes</source>
        <translation>예</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="111"/>
        <source>No</source>
        <translation>아니요</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="125"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="127"/>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="129"/>
        <source>Target</source>
        <translation>대상</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="131"/>
        <source>Events</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="133"/>
        <source>Quiet period</source>
        <translation>조용한 기간</translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="135"/>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
</context>
<context>
    <name>ServeDeck::CreateEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="47"/>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="53"/>
        <source>Public: anyone who reaches the proxy may call it, no token needed</source>
        <translation>공개: 프록시에 접근할 수 있으면 누구나 토큰 없이 호출할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="54"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="160"/>
        <source>Check</source>
        <translation>검사</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="55"/>
        <source>Deploy</source>
        <translation>배포</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="62"/>
        <source>New endpoint</source>
        <translation>새 엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="84"/>
        <source>lower-case letters, digits and &apos;-&apos;, e.g. sentiment-analyzer</source>
        <translation>영문 소문자, 숫자, &apos;-&apos; (예: sentiment-analyzer)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="85"/>
        <source>e.g. v1</source>
        <translation>예: v1</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="86"/>
        <source>a folder, or the name of one under the model roots (iris-v1)</source>
        <translation>폴더 경로, 또는 모델 루트 아래 폴더 이름 (iris-v1)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="90"/>
        <source> cores</source>
        <translation> 코어</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="97"/>
        <source> GPUs</source>
        <translation> GPU</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="101"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="102"/>
        <source>Device memory each replica needs. With at most one GPU, replicas share a device where this much is free; vLLM is told its share.</source>
        <translation>레플리카 하나에 필요한 장치 메모리입니다. GPU가 1개 이하이면 이만큼 여유가 있는 장치를 여러 레플리카가 함께 쓰며, vLLM에는 자기 몫을 알려 줍니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="111"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="133"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="114"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="134"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="117"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="135"/>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="120"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="136"/>
        <source>GPU memory</source>
        <translation>GPU 메모리</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="124"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="125"/>
        <source>Model version</source>
        <translation>모델 버전</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="126"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="232"/>
        <source>Model folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="127"/>
        <source>Runtime</source>
        <translation>런타임</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="128"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Per replica</source>
        <translation>레플리카당</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="129"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Available</source>
        <translation>가용</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="151"/>
        <source>Resource estimate</source>
        <translation>리소스 예상치</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="170"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="225"/>
        <source>Check the endpoint before deploying it: the check finds every problem and estimates the resources it takes.</source>
        <translation>배포하기 전에 검사하세요. 검사는 모든 문제를 찾고 필요한 리소스를 추정합니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="254"/>
        <source>Checking…</source>
        <translation>검사 중…</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="277"/>
        <source>No problems found. Replicas to start: %1.</source>
        <translation>문제가 없습니다. 시작할 레플리카: %1개.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="279"/>
        <source>Model %1 from %2.</source>
        <translation>%2의 모델 %1.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="284"/>
        <source>Fix these problems before deploying:</source>
        <translation>배포하기 전에 다음 문제를 해결하세요:</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="308"/>
        <source>Runs: %1</source>
        <translation>실행 명령: %1</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="310"/>
        <source>Program %1 is not on PATH or in a tools dir.</source>
        <translation>프로그램 %1을(를) PATH나 도구 폴더에서 찾을 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="312"/>
        <source>Found: %1</source>
        <translation>찾은 파일: %1</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="314"/>
        <source>Missing: %1</source>
        <translation>없는 파일: %1</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="316"/>
        <source>This runtime exports no Prometheus metrics: rules can use the proxy&apos;s own.</source>
        <translation>이 런타임은 Prometheus 지표를 내보내지 않습니다. 규칙에는 프록시 자체 지표를 쓸 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="346"/>
        <source>Deploying…</source>
        <translation>배포 중…</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="359"/>
        <source>The endpoint was not created:</source>
        <translation>엔드포인트를 만들지 못했습니다:</translation>
    </message>
</context>
<context>
    <name>ServeDeck::DeliveryListModel</name>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="80"/>
        <source>%1 ×%2</source>
        <translation>%1 ×%2</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="92"/>
        <source>Delivered (%1)</source>
        <translation>전달됨 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="92"/>
        <source>Failed (%1)</source>
        <translation>실패 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="108"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="110"/>
        <source>Channel</source>
        <translation>채널</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="112"/>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="114"/>
        <source>Attempt</source>
        <translation>시도</translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="116"/>
        <source>Outcome</source>
        <translation>결과</translation>
    </message>
</context>
<context>
    <name>ServeDeck::DemoDialog</name>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="22"/>
        <source>to do</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="24"/>
        <source>running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="26"/>
        <source>ok</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="28"/>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="30"/>
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="90"/>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="91"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="92"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="94"/>
        <source>ServeDeck demo</source>
        <translation>ServeDeck 데모</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="95"/>
        <source>A walk through ServeDeck on the bundled iris models, on this console&apos;s own control plane: it creates the endpoint %1 and deletes it again at the end, on Cancel or when this window closes.</source>
        <translation>번들된 iris 모델로 ServeDeck을 둘러봅니다. 이 콘솔의 컨트롤 플레인에서 엔드포인트 %1을(를) 만들고, 끝나거나 취소하거나 이 창을 닫으면 다시 삭제합니다.</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="138"/>
        <source>Every step worked; the demo endpoint is deleted.</source>
        <translation>모든 단계가 성공했습니다. 데모 엔드포인트는 삭제되었습니다.</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="139"/>
        <source>Cancelled; what the demo created is deleted.</source>
        <translation>취소되었습니다. 데모가 만든 것은 삭제되었습니다.</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="140"/>
        <source>Failed: %1. What the demo created is deleted.</source>
        <translation>실패: %1. 데모가 만든 것은 삭제되었습니다.</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="159"/>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="171"/>
        <source>%1. %2 — %3</source>
        <translation>%1. %2 — %3</translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="179"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>ServeDeck::DemoTour</name>
    <message>
        <location filename="../core/demo/demotour.cpp" line="87"/>
        <source>Deploy iris v1</source>
        <translation>iris v1 배포</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="88"/>
        <source>An endpoint named %1 serves the bundled iris classifier v1 with %2 replicas; the reconciler starts them on the local agent and the proxy routes to those that pass their health check.</source>
        <translation>엔드포인트 %1이(가) 번들된 iris 분류기 v1을 레플리카 %2개로 서빙합니다. 리컨사일러가 로컬 에이전트에서 레플리카를 시작하고, 프록시는 헬스 체크를 통과한 레플리카로 라우팅합니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="93"/>
        <source>Send traffic</source>
        <translation>트래픽 보내기</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="94"/>
        <source>The traffic simulator sends a seasonal pattern, between %1 and %2 requests per second over %3 s, of generated iris measurements to the endpoint&apos;s URL through the proxy; every answer names the revision that served it.</source>
        <translation>트래픽 시뮬레이터가 생성한 iris 측정값을 %3초 주기로 초당 %1~%2 요청의 계절(seasonal) 패턴으로 프록시를 거쳐 엔드포인트 URL에 보냅니다. 모든 응답에는 응답한 리비전이 표시됩니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="101"/>
        <source>Autoscale</source>
        <translation>오토스케일</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="102"/>
        <source>A rule on requests per second asks for one replica per %1 requests per second (at most %2): the autoscaler sees the demo&apos;s traffic and adds a replica.</source>
        <translation>초당 요청 수 규칙이 초당 %1 요청마다 레플리카 하나를 요구합니다(최대 %2개). 오토스케일러가 데모 트래픽을 보고 레플리카를 추가합니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="107"/>
        <source>Canary of v2</source>
        <translation>v2 카나리</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="108"/>
        <source>A manual canary starts iris v2 beside v1 with %1 % of the requests, then the weight moves to %2 % (as the slider does): both revisions answer.</source>
        <translation>수동 카나리가 요청의 %1 %로 v1 옆에 iris v2를 시작하고, (슬라이더처럼) 가중치를 %2 %로 옮깁니다. 두 리비전이 모두 응답합니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="113"/>
        <source>Kill a replica</source>
        <translation>레플리카 종료</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="114"/>
        <source>One replica&apos;s process is killed: the agent records the crash in the error list and the reconciler starts a replacement.</source>
        <translation>레플리카 하나의 프로세스를 강제 종료합니다. 에이전트가 크래시를 오류 목록에 기록하고 리컨사일러가 대체 레플리카를 시작합니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="117"/>
        <source>Clean up</source>
        <translation>정리</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="118"/>
        <source>The demo stops its traffic and deletes %1 with its replicas, rule and rollout.</source>
        <translation>데모가 트래픽을 멈추고 %1을(를) 레플리카, 규칙, 롤아웃과 함께 삭제합니다.</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="178"/>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="235"/>
        <source>endpoint &apos;%1&apos; exists already; the demo does not touch it (delete it first)</source>
        <translation>엔드포인트 &apos;%1&apos;이(가) 이미 있습니다. 데모는 이를 건드리지 않습니다(먼저 삭제하세요)</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="266"/>
        <source>%1 of %2 replicas healthy</source>
        <translation>레플리카 %2개 중 %1개 정상</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="269"/>
        <source>%1 after %2 s at %3</source>
        <translation>%2초 후 %1, 주소 %3</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="277"/>
        <source>the model definition of %1 has no request block: the simulator does not know how to call it</source>
        <translation>%1의 모델 정의에 request 블록이 없어 시뮬레이터가 호출 방법을 모릅니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="307"/>
        <source>%1 requests/s now; %2 sent, %3 answered 2xx (v1: %4), %5 failed</source>
        <translation>현재 초당 %1 요청, %2개 전송, %3개 2xx 응답(v1: %4), %5개 실패</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="354"/>
        <source>%1 replicas wanted, %2 healthy</source>
        <translation>원하는 레플리카 %1개, 정상 %2개</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="361"/>
        <source>scaled %1 → %2: %3</source>
        <translation>%1 → %2로 스케일: %3</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="363"/>
        <source>%1 (after %2 s)</source>
        <translation>%1 (%2초 후)</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="398"/>
        <source>the canary&apos;s replica is not healthy yet</source>
        <translation>카나리 레플리카가 아직 정상이 아닙니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="413"/>
        <source>since the weight moved to %1 %: v1 answered %2, v2 answered %3, %4 failed</source>
        <translation>가중치를 %1 %로 옮긴 뒤: v1 응답 %2개, v2 응답 %3개, 실패 %4개</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="451"/>
        <source>replica %1 is not a process of this control plane</source>
        <translation>레플리카 %1은(는) 이 컨트롤 플레인의 프로세스가 아닙니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="456"/>
        <source>cannot kill replica %1: %2</source>
        <translation>레플리카 %1을(를) 종료할 수 없습니다: %2</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="457"/>
        <source>killed replica %1 (process %2) with SIGKILL</source>
        <translation>레플리카 %1(프로세스 %2)을(를) SIGKILL로 종료했습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="459"/>
        <source>no healthy replica runs on this machine&apos;s agent</source>
        <translation>이 머신의 에이전트에서 실행 중인 정상 레플리카가 없습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="479"/>
        <source>recorded: %1: %2</source>
        <translation>기록됨: %1: %2</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="482"/>
        <source>no error recorded yet</source>
        <translation>아직 기록된 오류가 없습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="492"/>
        <source>%1; waiting for a replacement (%2 of %3 healthy)</source>
        <translation>%1; 대체 레플리카를 기다리는 중 (%3개 중 %2개 정상)</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="496"/>
        <source>%1; a replacement serves (%2 of %3 healthy)</source>
        <translation>%1; 대체 레플리카가 서빙 중 (%3개 중 %2개 정상)</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="514"/>
        <source>nothing was created</source>
        <translation>만든 것이 없습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="531"/>
        <source>the endpoint is gone</source>
        <translation>엔드포인트가 사라졌습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="534"/>
        <source>the endpoint is still live</source>
        <translation>엔드포인트가 아직 살아 있습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="536"/>
        <source>the endpoint is deleted and its replicas stopped</source>
        <translation>엔드포인트가 삭제되고 레플리카가 멈췄습니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="537"/>
        <source>%1 replicas still stopping</source>
        <translation>레플리카 %1개가 아직 멈추는 중입니다</translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="558"/>
        <location filename="../core/demo/demotour.cpp" line="580"/>
        <source>not within %1 s: %2</source>
        <translation>%1초 안에 되지 않음: %2</translation>
    </message>
</context>
<context>
    <name>ServeDeck::DesktopNotifier</name>
    <message>
        <location filename="../ui/notify/desktopnotifier.cpp" line="112"/>
        <source>ServeDeck</source>
        <translation>ServeDeck</translation>
    </message>
    <message>
        <location filename="../ui/notify/desktopnotifier.cpp" line="113"/>
        <source>Open</source>
        <translation>열기</translation>
    </message>
</context>
<context>
    <name>ServeDeck::DisplayFormat</name>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="46"/>
        <source>exit %1</source>
        <translation>종료 코드 %1</translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="53"/>
        <source>%1 d</source>
        <translation>%1일</translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="55"/>
        <source>%1 h</source>
        <translation>%1시간</translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="57"/>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="58"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointDetailView</name>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="151"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="153"/>
        <source>Range</source>
        <translation>기간</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="162"/>
        <source>Try…</source>
        <translation>시험 요청…</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="164"/>
        <source>Send this endpoint a request and see its answer</source>
        <translation>이 엔드포인트에 요청을 보내고 응답을 봅니다</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="167"/>
        <source>Simulate…</source>
        <translation>시뮬레이션…</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="169"/>
        <source>Drive this endpoint with a traffic pattern until stopped</source>
        <translation>이 엔드포인트에 멈출 때까지 트래픽 패턴으로 요청을 보냅니다</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="174"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="249"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="176"/>
        <source>Healthy</source>
        <translation>정상</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="177"/>
        <source>Desired</source>
        <translation>목표</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="180"/>
        <source>Routes by status</source>
        <translation>상태별 라우트</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="187"/>
        <source>Traffic</source>
        <translation>트래픽</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="188"/>
        <source>Requests/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="191"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="212"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="193"/>
        <source>p95 latency</source>
        <translation>p95 지연</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="196"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="627"/>
        <source>Replica CPU</source>
        <translation>레플리카 CPU</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="198"/>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="199"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="629"/>
        <source>Replica memory</source>
        <translation>레플리카 메모리</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="201"/>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="204"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="548"/>
        <source>Generation</source>
        <translation>생성</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="207"/>
        <source>tokens/s</source>
        <translation>토큰/초</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="209"/>
        <source>Tokens/s</source>
        <translation>토큰/초</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="214"/>
        <source>TTFT p50</source>
        <translation>첫 토큰 p50</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="215"/>
        <source>TTFT p95</source>
        <translation>첫 토큰 p95</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="217"/>
        <source>Traffic split</source>
        <translation>트래픽 분할</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="239"/>
        <source>Rollout</source>
        <translation>롤아웃</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="277"/>
        <source>Open in Jobs</source>
        <translation>작업에서 열기</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="279"/>
        <source>The Jobs view, showing this endpoint&apos;s jobs</source>
        <translation>이 엔드포인트의 작업을 보여 주는 작업 보기</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="548"/>
        <source>Generation: no OpenAI-style answers</source>
        <translation>생성: OpenAI 형식 응답 없음</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="614"/>
        <source>%1 GPU</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="627"/>
        <source>Replica CPU (%1 of %2)</source>
        <translation>레플리카 CPU (%2개 중 %1개)</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="628"/>
        <source>Replica memory (%1 of %2)</source>
        <translation>레플리카 메모리 (%2개 중 %1개)</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="637"/>
        <source>No endpoint selected.</source>
        <translation>선택된 엔드포인트가 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="645"/>
        <source>%1 of %2 replicas healthy</source>
        <translation>레플리카 %2개 중 %1개 정상</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="647"/>
        <source>%1 req/s</source>
        <translation>%1 요청/초</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="649"/>
        <source>p95 %1 ms</source>
        <translation>p95 %1 ms</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="651"/>
        <source>%1 tokens/s</source>
        <translation>%1 토큰/초</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="660"/>
        <source>Jobs: %1 queued, %2 running</source>
        <translation>작업: 대기 %1개, 실행 중 %2개</translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="662"/>
        <source>, at most %1 at once</source>
        <translation>, 동시에 최대 %1개</translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="178"/>
        <source>%1 of %2 replicas healthy</source>
        <translation>레플리카 %2개 중 %1개 정상</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="226"/>
        <source>Requests per second, last %1 samples</source>
        <translation>초당 요청 수, 최근 샘플 %1개</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="251"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="254"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="267"/>
        <source>Requests per second over the last sample interval</source>
        <translation>최근 샘플 구간의 초당 요청 수</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="269"/>
        <source>95th percentile latency over the last sample interval</source>
        <translation>최근 샘플 구간의 95번째 백분위 지연 시간</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="271"/>
        <source>Share of requests that failed over the last sample interval</source>
        <translation>최근 샘플 구간에서 실패한 요청의 비율</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="273"/>
        <source>Jobs queued + running</source>
        <translation>대기 중 + 실행 중인 작업</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="282"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="284"/>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="286"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="288"/>
        <source>Desired</source>
        <translation>목표</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="290"/>
        <source>Healthy</source>
        <translation>정상</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="292"/>
        <source>Queue</source>
        <translation>대기열</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="294"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="296"/>
        <source>Req/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="298"/>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="300"/>
        <source>Error rate</source>
        <translation>오류율</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="302"/>
        <source>Activity</source>
        <translation>추이</translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointSelector</name>
    <message>
        <location filename="../ui/common/endpointselector.cpp" line="58"/>
        <source>All endpoints</source>
        <translation>모든 엔드포인트</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorBrowserView</name>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="62"/>
        <source>Clear errors…</source>
        <translation>오류 지우기…</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="69"/>
        <source>All types</source>
        <translation>모든 유형</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="72"/>
        <source>Any time</source>
        <translation>전체 기간</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="73"/>
        <source>Last hour</source>
        <translation>최근 1시간</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="74"/>
        <source>Last day</source>
        <translation>최근 1일</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="75"/>
        <source>Search messages and logs</source>
        <translation>메시지와 로그 검색</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="77"/>
        <source>Clear the shown endpoint&apos;s errors; its retry counter resets so scaling resumes</source>
        <translation>표시된 엔드포인트의 오류를 지웁니다. 재시도 횟수가 초기화되어 스케일링이 재개됩니다</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="133"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="134"/>
        <source>Where</source>
        <translation>위치</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="135"/>
        <source>Agent</source>
        <translation>에이전트</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="136"/>
        <source>Exit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="137"/>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="146"/>
        <source>No log output was captured.</source>
        <translation>수집된 로그 출력이 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="148"/>
        <source>Log tail</source>
        <translation>로그 끝부분</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="178"/>
        <source>%1 of %2</source>
        <translation>%2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="187"/>
        <source>Select an error to see its exit status and log tail.</source>
        <translation>오류를 선택하면 종료 상태와 로그 끝부분을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="194"/>
        <source>%1 on %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="198"/>
        <source>replica %1</source>
        <translation>레플리카 %1</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="200"/>
        <source>route %1</source>
        <translation>라우트 %1</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="201"/>
        <source>the endpoint</source>
        <translation>엔드포인트 전체</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="203"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="205"/>
        <source>none recorded</source>
        <translation>기록 없음</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="232"/>
        <source>Clear the errors of every endpoint?</source>
        <translation>모든 엔드포인트의 오류를 지울까요?</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="233"/>
        <source>Clear every error of %1?</source>
        <translation>%1의 오류를 모두 지울까요?</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="234"/>
        <location filename="../ui/errors/errorbrowserview.cpp" line="236"/>
        <source>Clear errors</source>
        <translation>오류 지우기</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="235"/>
        <source>Their retry counters reset, so scaling starts replicas again.</source>
        <translation>재시도 횟수가 초기화되어 스케일링이 레플리카를 다시 시작합니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorListModel</name>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="160"/>
        <source>Route %1</source>
        <translation>라우트 %1</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="200"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="202"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="204"/>
        <source>Replica</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="206"/>
        <source>Agent</source>
        <translation>에이전트</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="208"/>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="210"/>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="212"/>
        <source>Exit</source>
        <translation>종료</translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobDetailPane</name>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="58"/>
        <source>Cancel job</source>
        <translation>작업 취소</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="59"/>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="68"/>
        <source>A queued job never runs; a running one&apos;s request is aborted</source>
        <translation>대기 중인 작업은 실행되지 않고, 실행 중인 작업은 요청이 중단됩니다</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="70"/>
        <source>Queue the job again as a new attempt</source>
        <translation>작업을 새 시도로 다시 대기열에 넣습니다</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="76"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="77"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="78"/>
        <source>Attempts</source>
        <translation>시도</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="79"/>
        <source>Last error</source>
        <translation>마지막 오류</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="80"/>
        <source>Queued</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="81"/>
        <source>Started</source>
        <translation>시작 시각</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="82"/>
        <source>Finished</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="83"/>
        <source>Queue time</source>
        <translation>대기 시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="84"/>
        <source>Run time</source>
        <translation>실행 시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="87"/>
        <source>Route</source>
        <translation>라우트</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="88"/>
        <source>Revision</source>
        <translation>리비전</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="89"/>
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="90"/>
        <source>Deadline</source>
        <translation>기한</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="91"/>
        <source>Idempotency key</source>
        <translation>멱등성 키</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="92"/>
        <source>Submitted by</source>
        <translation>제출자</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="106"/>
        <source>Request</source>
        <translation>요청</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="110"/>
        <source>Answer</source>
        <translation>응답</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="182"/>
        <source>Select a job to see its timings, request and answer.</source>
        <translation>작업을 선택하면 시간, 요청과 응답을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="192"/>
        <source>Job %1</source>
        <translation>작업 %1</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="197"/>
        <source>%1 of %2</source>
        <translation>%2개 중 %1개</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="214"/>
        <source>Body: %1</source>
        <translation>본문: %1</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="234"/>
        <source>No answer.</source>
        <translation>응답 없음.</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="234"/>
        <source>No answer yet.</source>
        <translation>아직 응답 없음.</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="240"/>
        <source>Reading the answer…</source>
        <translation>응답을 읽는 중…</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="266"/>
        <source>HTTP %1 · %2</source>
        <translation>HTTP %1 · %2</translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobTableModel</name>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="123"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="125"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="128"/>
        <source>%1 min %2 s</source>
        <translation>%1분 %2초</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="129"/>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="163"/>
        <source>Route %1</source>
        <translation>라우트 %1</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="223"/>
        <source>Attempts started of the most allowed</source>
        <translation>시작한 시도 수 / 허용된 최대 시도 수</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="225"/>
        <source>From submission to the latest attempt&apos;s start</source>
        <translation>제출부터 마지막 시도 시작까지</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="227"/>
        <source>From the latest attempt&apos;s start to the job&apos;s end</source>
        <translation>마지막 시도 시작부터 작업 종료까지</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="229"/>
        <source>The model&apos;s HTTP status</source>
        <translation>모델의 HTTP 상태</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="238"/>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="240"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="242"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="244"/>
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="246"/>
        <source>Attempts</source>
        <translation>시도</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="248"/>
        <source>Queued</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="250"/>
        <source>Queue time</source>
        <translation>대기 시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="252"/>
        <source>Run time</source>
        <translation>실행 시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="254"/>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="256"/>
        <source>Revision</source>
        <translation>리비전</translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobText</name>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="57"/>
        <source>Queued</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="59"/>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="61"/>
        <source>Succeeded</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="63"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="65"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="67"/>
        <source>Expired</source>
        <translation>만료</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="75"/>
        <source>(empty)</source>
        <translation>(비어 있음)</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="78"/>
        <source>%1 bytes (binary)</source>
        <translation>%1바이트 (바이너리)</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="95"/>
        <source>… the first %1 of %2 bytes shown</source>
        <translation>… %2바이트 중 처음 %1바이트만 표시</translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobsView</name>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="50"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="59"/>
        <source>All states</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="63"/>
        <source>Last hour</source>
        <translation>최근 1시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="64"/>
        <source>Last 24 hours</source>
        <translation>최근 24시간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="65"/>
        <source>Last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="66"/>
        <source>All time</source>
        <translation>전체 기간</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="71"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="72"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="73"/>
        <source>Queued in</source>
        <translation>대기 시작</translation>
    </message>
</context>
<context>
    <name>ServeDeck::LoadTestHistoryModel</name>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>passed</source>
        <translation>통과</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="118"/>
        <source>Started</source>
        <translation>시작 시각</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="120"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="122"/>
        <source>Mode</source>
        <translation>모드</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="124"/>
        <source>Requests</source>
        <translation>요청 수</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="126"/>
        <source>Requests/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="128"/>
        <source>p95 (ms)</source>
        <translation>p95 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="130"/>
        <source>Success (%)</source>
        <translation>성공률 (%)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="132"/>
        <source>Targets</source>
        <translation>목표</translation>
    </message>
</context>
<context>
    <name>ServeDeck::LoadTestView</name>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="83"/>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="84"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="95"/>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="96"/>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="101"/>
        <source>Fixed rate</source>
        <translation>고정 속도</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="102"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="156"/>
        <source>Ramp</source>
        <translation>램프</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="103"/>
        <source>Poisson</source>
        <translation>포아송</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="104"/>
        <source>Closed loop</source>
        <translation>폐쇄 루프</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="108"/>
        <source> /s</source>
        <translation> /초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="122"/>
        <source>by duration</source>
        <translation>시간 기준</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="127"/>
        <source> s</source>
        <translation> 초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="129"/>
        <source>/predict</source>
        <translation>/predict</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="131"/>
        <source>Request body (JSON)</source>
        <translation>요청 본문 (JSON)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="135"/>
        <source>Pass/fail targets, separated by spaces: rps&gt;30 p95&lt;200ms success&gt;95% ttft_p95&lt;500ms</source>
        <translation>합격/불합격 목표, 공백으로 구분: rps&gt;30 p95&lt;200ms success&gt;95% ttft_p95&lt;500ms</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="145"/>
        <source>No run yet.</source>
        <translation>아직 실행한 테스트가 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="147"/>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="149"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="150"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Mode</source>
        <translation>모드</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="151"/>
        <source>Rate</source>
        <translation>속도</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="154"/>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="157"/>
        <source>Concurrency</source>
        <translation>동시성</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="158"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="590"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Requests</source>
        <translation>요청 수</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="159"/>
        <source>Duration</source>
        <translation>기간</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="160"/>
        <source>Path</source>
        <translation>경로</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="161"/>
        <source>Body</source>
        <translation>본문</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="162"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="721"/>
        <source>Targets</source>
        <translation>목표</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="172"/>
        <source>Live</source>
        <translation>실시간</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="177"/>
        <source>s</source>
        <translation>초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="180"/>
        <source>requests/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="183"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="608"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="189"/>
        <source>Answered/s</source>
        <translation>받은 응답/초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="190"/>
        <source>Sent/s</source>
        <translation>보낸 요청/초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="191"/>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="192"/>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="193"/>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="199"/>
        <source>Latency histogram</source>
        <translation>지연 시간 히스토그램</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="226"/>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="246"/>
        <source>Select two runs to see them side by side</source>
        <translation>두 실행을 선택하면 나란히 비교합니다</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="248"/>
        <source>Save the selected run as JSON or CSV</source>
        <translation>선택한 실행을 JSON 또는 CSV로 저장합니다</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="254"/>
        <source>Runs</source>
        <translation>실행 기록</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="459"/>
        <source>Running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="461"/>
        <source>A load test runs already.</source>
        <translation>부하 테스트가 이미 실행 중입니다.</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="502"/>
        <source>%1 s of %2 s · sent %3 · answered %4 · failed %5 · in flight %6 · late %7</source>
        <translation>%2초 중 %1초 · 보냄 %3 · 응답 %4 · 실패 %5 · 진행 중 %6 · 지연 시작 %7</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="527"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2 (%3)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>✔</source>
        <translation>✔</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>✘</source>
        <translation>✘</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="541"/>
        <source>no answer</source>
        <translation>응답 없음</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="542"/>
        <source>%1 · %2 requests · %3 % success · %4 requests/s</source>
        <translation>%1 · 요청 %2건 · 성공률 %3 % · 초당 %4 요청</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Passed</source>
        <translation>통과</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="547"/>
        <source>latency ms: p50 %1 · p90 %2 · p95 %3 · p99 %4 · p99.9 %5 · max %6</source>
        <translation>지연 시간 ms: p50 %1 · p90 %2 · p95 %3 · p99 %4 · p99.9 %5 · 최대 %6</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="550"/>
        <source>statuses: %1 · started late: %2</source>
        <translation>상태 코드: %1 · 지연 시작: %2</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="553"/>
        <source>time to first token p50 %1 ms · p95 %2 ms · %3 tokens/s</source>
        <translation>첫 토큰까지 p50 %1 ms · p95 %2 ms · 초당 %3 토큰</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="559"/>
        <source>revision %1: %2 requests · p95 %3 ms · %4 % success</source>
        <translation>리비전 %1: 요청 %2건 · p95 %3 ms · 성공률 %4 %</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="610"/>
        <source>Latency histogram: %1 ms to %2 ms</source>
        <translation>지연 시간 히스토그램: %1 ms ~ %2 ms</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="634"/>
        <source>The run was not stored: %1</source>
        <translation>실행 결과를 저장하지 못했습니다: %1</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>passed</source>
        <translation>통과</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Success (%)</source>
        <translation>성공률 (%)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Requests/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>p50 (ms)</source>
        <translation>p50 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p90 (ms)</source>
        <translation>p90 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p95 (ms)</source>
        <translation>p95 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p99 (ms)</source>
        <translation>p99 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p99.9 (ms)</source>
        <translation>p99.9 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>max (ms)</source>
        <translation>최대 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="721"/>
        <source>Started late</source>
        <translation>지연 시작</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="766"/>
        <source>Cannot write %1: %2</source>
        <translation>%1에 쓸 수 없습니다: %2</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="782"/>
        <source>Export run</source>
        <translation>실행 내보내기</translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="783"/>
        <source>JSON (*.json);;CSV (*.csv)</source>
        <translation>JSON (*.json);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="153"/>
        <source>ServeDeck</source>
        <translation>ServeDeck</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="257"/>
        <source>Search endpoints</source>
        <translation>엔드포인트 검색</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="195"/>
        <source>off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="166"/>
        <location filename="../ui/mainwindow.cpp" line="217"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Endpoints</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="167"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <location filename="../ui/mainwindow.cpp" line="644"/>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="168"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Tokens</source>
        <translation>토큰</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="169"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Autoscaling</source>
        <translation>오토스케일링</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="170"/>
        <location filename="../ui/mainwindow.cpp" line="325"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Details</source>
        <translation>상세</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="171"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Agents</source>
        <translation>에이전트</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="172"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Load test</source>
        <translation>부하 테스트</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="173"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Usage</source>
        <translation>사용량</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="176"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Jobs</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="196"/>
        <source>Data: %1</source>
        <translation>데이터: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="197"/>
        <source>API %1 · Proxy %2</source>
        <translation>API %1 · 프록시 %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="310"/>
        <source>New…</source>
        <translation>새로 만들기…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <source>Deploy a new endpoint (%1)</source>
        <translation>새 엔드포인트 배포 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="314"/>
        <source>Scale…</source>
        <translation>스케일…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="315"/>
        <source>Set the selected endpoint&apos;s replicas</source>
        <translation>선택한 엔드포인트의 레플리카 수 설정</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="317"/>
        <source>Modify…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="319"/>
        <source>Change the selected endpoint&apos;s version, resources, replicas or visibility</source>
        <translation>선택한 엔드포인트의 버전, 자원, 레플리카 수 또는 공개 여부를 바꿉니다</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="321"/>
        <source>Delete…</source>
        <translation>삭제…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="323"/>
        <source>Delete the selected endpoint (Del)</source>
        <translation>선택한 엔드포인트 삭제 (Del)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="327"/>
        <source>Charts and traffic split of the selected endpoint (Return)</source>
        <translation>선택한 엔드포인트의 차트와 트래픽 분할 (Return)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="329"/>
        <source>Try…</source>
        <translation>시험 요청…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="331"/>
        <source>Send the selected endpoint a request and see its answer</source>
        <translation>선택한 엔드포인트에 요청을 보내고 응답을 봅니다</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="333"/>
        <source>Simulate traffic…</source>
        <translation>트래픽 시뮬레이션…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="334"/>
        <source>Drive the selected endpoint with a traffic pattern until stopped</source>
        <translation>선택한 엔드포인트에 멈출 때까지 트래픽 패턴으로 요청을 보냅니다</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Preferences…</source>
        <translation>환경 설정…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="341"/>
        <source>Find</source>
        <translation>찾기</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="344"/>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>&amp;Endpoint</source>
        <translation>엔드포인트(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="359"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="371"/>
        <source>&amp;Settings</source>
        <translation>설정(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="373"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="374"/>
        <source>Demo…</source>
        <translation>데모…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="379"/>
        <location filename="../ui/mainwindow.cpp" line="380"/>
        <source>About ServeDeck</source>
        <translation>ServeDeck 정보</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="381"/>
        <source>ServeDeck %1
A console and server for model serving.
Qt %2</source>
        <translation>ServeDeck %1
모델 서빙을 위한 콘솔과 서버.
Qt %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="465"/>
        <source>Try an endpoint</source>
        <translation>엔드포인트 시험</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="487"/>
        <source>Simulate traffic</source>
        <translation>트래픽 시뮬레이션</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="618"/>
        <source>Delete endpoint</source>
        <translation>엔드포인트 삭제</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="619"/>
        <source>Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.</source>
        <translation>%1을(를) 삭제할까요? 레플리카가 중지되고 URL이 더 이상 응답하지 않습니다. 되돌릴 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="621"/>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="644"/>
        <source>Errors (%1)</source>
        <translation>오류 (%1)</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ModifyEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="29"/>
        <source>Public (no token needed for inference)</source>
        <translation>공개 (추론에 토큰 불필요)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="32"/>
        <source>A higher-priority endpoint may stop its replicas</source>
        <translation>우선순위가 더 높은 엔드포인트가 이 레플리카를 중지할 수 있음</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="36"/>
        <source>Working…</source>
        <translation>처리 중…</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="37"/>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="39"/>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="161"/>
        <source>Modify %1</source>
        <translation>%1 수정</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="42"/>
        <source>Rolling</source>
        <translation>롤링</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="43"/>
        <source>Blue-green</source>
        <translation>블루-그린</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="44"/>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="45"/>
        <source>Progressive</source>
        <translation>점진적</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="46"/>
        <source>Surge new replicas, shift traffic as they become healthy, drain the old ones.</source>
        <translation>새 레플리카를 추가로 띄우고, 정상이 되는 대로 트래픽을 옮긴 뒤 이전 레플리카를 정리합니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="48"/>
        <source>Bring up the whole new set, then switch all traffic at once; the old set stays warm for a rollback.</source>
        <translation>새 세트를 모두 띄운 뒤 모든 트래픽을 한 번에 전환합니다. 이전 세트는 롤백에 대비해 대기 상태로 남습니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="51"/>
        <source>The new version takes the share set here; move it with the canary slider, then promote or abort.</source>
        <translation>새 버전이 여기서 정한 비율을 받습니다. 카나리 슬라이더로 조정한 뒤 승격하거나 중단하세요.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="54"/>
        <source>Steps of share (the one set here, then 25, 50, 100 %), each compared with the stable version; a regression rolls back by itself.</source>
        <translation>비율 단계(여기서 정한 값, 이어서 25, 50, 100 %)마다 안정 버전과 비교합니다. 성능이 나빠지면 자동으로 롤백됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="70"/>
        <source>Replicas waiting for room start by priority (higher first), then by age</source>
        <translation>자원을 기다리는 레플리카는 우선순위(높은 것 먼저), 그다음 대기 시간 순으로 시작합니다</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="72"/>
        <source>Only scale-outs by rules wait</source>
        <translation>규칙에 의한 스케일 아웃만 대기</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="73"/>
        <source>Every scale-out waits</source>
        <translation>모든 스케일 아웃이 대기</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="74"/>
        <source>Nothing waits (refused when full)</source>
        <translation>대기하지 않음(가득 차면 거부)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="75"/>
        <source>Whether a replica that does not fit waits in the pending queue until room frees, or the change is refused</source>
        <translation>자원이 부족한 레플리카를 자리가 날 때까지 대기열에서 기다리게 할지, 변경을 거부할지</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="81"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="83"/>
        <source>The p95 latency this endpoint should stay under; recommendations judge a replica&apos;s throughput by it</source>
        <translation>이 엔드포인트가 넘지 않아야 할 p95 지연 시간입니다. 권장 사항은 이를 기준으로 레플리카의 처리량을 판단합니다</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="88"/>
        <source>default (per replica)</source>
        <translation>기본값 (레플리카당)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="89"/>
        <source>At most this many of its asynchronous jobs run at once; the default is the HEALTHY replicas times the console&apos;s per-replica limit</source>
        <translation>이 엔드포인트의 비동기 작업을 동시에 최대 이만큼 실행합니다. 기본값은 HEALTHY 레플리카 수 × 콘솔의 레플리카당 한도입니다</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="101"/>
        <source>Model version</source>
        <translation>모델 버전</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="102"/>
        <source>Model folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="103"/>
        <source>Rollout strategy</source>
        <translation>롤아웃 전략</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="104"/>
        <source>Canary share of the new version</source>
        <translation>새 버전의 카나리 비율</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="105"/>
        <source>CPU per replica</source>
        <translation>레플리카당 CPU</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="106"/>
        <source>Memory per replica</source>
        <translation>레플리카당 메모리</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="107"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="111"/>
        <source>other names, comma-separated</source>
        <translation>다른 이름들, 쉼표로 구분</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="112"/>
        <source>Requests at the proxy&apos;s OpenAI front door (/v1/chat/completions, /v1/completions, /v1/embeddings) whose model is one of these names go to this endpoint.</source>
        <translation>프록시의 OpenAI 호환 입구(/v1/chat/completions, /v1/completions, /v1/embeddings)로 온 요청 중 model이 이 이름들 중 하나인 요청은 이 엔드포인트로 갑니다.</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="115"/>
        <source>Aliases</source>
        <translation>별칭</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="116"/>
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="117"/>
        <source>When capacity is full</source>
        <translation>용량이 가득 찼을 때</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="118"/>
        <source>Preemption</source>
        <translation>선점</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="119"/>
        <source>Latency target (p95)</source>
        <translation>지연 시간 목표 (p95)</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="120"/>
        <source>Jobs at once</source>
        <translation>동시 실행 작업</translation>
    </message>
</context>
<context>
    <name>ServeDeck::NotificationSettingsPage</name>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="230"/>
        <source>Channels</source>
        <translation>채널</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="231"/>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="232"/>
        <source>Test</source>
        <translation>테스트</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="233"/>
        <source>Send the selected channel a sample notification</source>
        <translation>선택한 채널에 예시 알림을 보냅니다</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="234"/>
        <source>Remove…</source>
        <translation>제거…</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="235"/>
        <source>Deliveries</source>
        <translation>전달 기록</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="236"/>
        <source>Alert rules</source>
        <translation>경보 규칙</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="237"/>
        <source>&amp;Endpoint</source>
        <translation>엔드포인트(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="238"/>
        <source>Alert when</source>
        <translation>경보 조건</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="239"/>
        <source>for</source>
        <translation>동안</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="240"/>
        <source> s</source>
        <translation> 초</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="242"/>
        <source>Add rule</source>
        <translation>규칙 추가</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="243"/>
        <source>Remove rule</source>
        <translation>규칙 제거</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="334"/>
        <source>Sample sent: %1</source>
        <translation>예시를 보냈습니다: %1</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="345"/>
        <source>Remove channel</source>
        <translation>채널 제거</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="346"/>
        <source>Remove the notification channel %1? It stops receiving notifications; its deliveries stay listed.</source>
        <translation>알림 채널 %1을(를) 제거할까요? 더 이상 알림을 받지 않으며, 전달 기록은 남습니다.</translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="348"/>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
</context>
<context>
    <name>ServeDeck::PendingQueueModel</name>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="59"/>
        <source>waiting for its turn</source>
        <translation>차례를 기다리는 중</translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="71"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="73"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="75"/>
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="77"/>
        <source>Waiting since</source>
        <translation>대기 시작</translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="79"/>
        <source>Why it waits</source>
        <translation>대기 사유</translation>
    </message>
</context>
<context>
    <name>ServeDeck::PlaneStatusLabel</name>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="31"/>
        <source>Leader: %1 · epoch %2</source>
        <translation>리더: %1 · 에포크 %2</translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="33"/>
        <source>Following: no leader yet</source>
        <translation>팔로워: 아직 리더 없음</translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="35"/>
        <source>Following %1 · epoch %2</source>
        <translation>%1 팔로우 중 · 에포크 %2</translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="39"/>
        <source> · lease renewed %1 s ago</source>
        <translation> · 임대 %1초 전 갱신</translation>
    </message>
    <message>
        <source>Database: %1
Lease renewed %2 ms ago</source>
        <translation type="vanished">데이터베이스: %1
임대 갱신 %2ms 전</translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="54"/>
        <source>Database: %1</source>
        <translation>데이터베이스: %1</translation>
    </message>
</context>
<context>
    <name>ServeDeck::RecommendationPanel</name>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="37"/>
        <source>Pick an endpoint to see its recommendations.</source>
        <translation>권장 사항을 보려면 엔드포인트를 고르세요.</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="39"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="97"/>
        <source>Reading the recorded usage…</source>
        <translation>기록된 사용량을 읽는 중…</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="105"/>
        <source>No recommendations.</source>
        <translation>권장 사항이 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="136"/>
        <source>Evidence: %1</source>
        <translation>근거: %1</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="139"/>
        <source>Nothing to apply</source>
        <translation>적용할 것 없음</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="139"/>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="143"/>
        <source>A warning: change the rule yourself</source>
        <translation>경고입니다. 규칙을 직접 바꾸세요</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="155"/>
        <source>No recommendations: the recorded usage suggests no change.</source>
        <translation>권장 사항 없음: 기록된 사용량으로 보아 바꿀 것이 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="156"/>
        <source>Recommendations from the recorded usage: %1</source>
        <translation>기록된 사용량에서 나온 권장 사항: %1개</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="166"/>
        <source>Applying recommendation %1…</source>
        <translation>권장 사항 %1을(를) 적용하는 중…</translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="176"/>
        <source>Not applied.</source>
        <translation>적용되지 않았습니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ReplicaTableModel</name>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="114"/>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="116"/>
        <source>%1 min %2 s</source>
        <translation>%1분 %2초</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="118"/>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="119"/>
        <source>Starting · %1</source>
        <translation>시작 중 · %1</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="131"/>
        <source>Its runtime answers that it is still loading the model</source>
        <translation>런타임이 아직 모델을 불러오는 중이라고 응답합니다</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="132"/>
        <source>Waiting for its first healthy answer</source>
        <translation>첫 정상 응답을 기다리는 중</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="162"/>
        <source>Replica</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="164"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="166"/>
        <source>Agent</source>
        <translation>에이전트</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="168"/>
        <source>Process</source>
        <translation>프로세스</translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="170"/>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutEventModel</name>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="49"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="84"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="86"/>
        <source>Phase</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="88"/>
        <source>Step</source>
        <translation>단계</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="90"/>
        <source>Share</source>
        <translation>비율</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="92"/>
        <source>What happened</source>
        <translation>내용</translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutPanel</name>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="80"/>
        <source>Working…</source>
        <translation>처리 중…</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="82"/>
        <source>Promote</source>
        <translation>승격</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="83"/>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="84"/>
        <source>Resume</source>
        <translation>재개</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="85"/>
        <source>Abort</source>
        <translation>중단</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="86"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="88"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="544"/>
        <source>Rollback</source>
        <translation>롤백</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="87"/>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="114"/>
        <source>Make the new version the stable one</source>
        <translation>새 버전을 안정 버전으로 만듭니다</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="115"/>
        <source>Hold the rollout at its current step</source>
        <translation>롤아웃을 현재 단계에서 멈춥니다</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="116"/>
        <source>Continue from the current step</source>
        <translation>현재 단계부터 계속합니다</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="117"/>
        <source>Stop the rollout: all traffic back on the stable version</source>
        <translation>롤아웃을 중단합니다: 모든 트래픽이 안정 버전으로 돌아갑니다</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="139"/>
        <source>Success rate by step</source>
        <translation>단계별 성공률</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="140"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="144"/>
        <source>Stable</source>
        <translation>안정 버전</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="141"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="145"/>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="142"/>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="143"/>
        <source>p95 latency by step</source>
        <translation>단계별 p95 지연</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="146"/>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="157"/>
        <source>Analysis</source>
        <translation>분석</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="158"/>
        <source>Timeline</source>
        <translation>타임라인</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="200"/>
        <source>Step</source>
        <translation>단계</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="300"/>
        <source>No rollout</source>
        <translation>롤아웃 없음</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="302"/>
        <source>Select an endpoint to see its rollouts.</source>
        <translation>롤아웃을 보려면 엔드포인트를 선택하세요.</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="303"/>
        <source>Modify the endpoint with a new model version to start one.</source>
        <translation>새 모델 버전으로 엔드포인트를 수정하면 롤아웃이 시작됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="313"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="315"/>
        <source>step %1 of %2 at %3 %</source>
        <translation>%2단계 중 %1단계, %3 %</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="320"/>
        <source>new version at %1 %</source>
        <translation>새 버전 %1 %</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="322"/>
        <source>failed replicas: %1</source>
        <translation>실패한 레플리카: %1</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="324"/>
        <source>failed checks: %1</source>
        <translation>실패한 검사: %1</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="339"/>
        <source>Analysis (%1)</source>
        <translation>분석 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="340"/>
        <source>Timeline (%1)</source>
        <translation>타임라인 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="363"/>
        <source>Start the rollout to %1 again, with the same strategy and settings</source>
        <translation>같은 전략과 설정으로 %1 롤아웃을 다시 시작합니다</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="366"/>
        <source>All traffic back on %1 (%2)</source>
        <translation>모든 트래픽을 %1(으)로 되돌립니다 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="367"/>
        <source>Roll back the newest rollout (%1)</source>
        <translation>최근 롤아웃을 롤백합니다 (%1)</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="541"/>
        <source>Stop the rollout of %1 and send all traffic back to %2?</source>
        <translation>%1 롤아웃을 멈추고 모든 트래픽을 %2(으)로 되돌릴까요?</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="542"/>
        <source>Send all traffic on %1 back to %2? Where the old replicas are gone, they are brought back first.</source>
        <translation>%1의 모든 트래픽을 %2(으)로 되돌릴까요? 이전 레플리카가 없으면 먼저 다시 띄웁니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutText</name>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="17"/>
        <source>Rolling</source>
        <translation>롤링</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="19"/>
        <source>Blue-green</source>
        <translation>블루-그린</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="21"/>
        <source>Canary</source>
        <translation>카나리</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="23"/>
        <source>Progressive</source>
        <translation>점진적</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="32"/>
        <source>Progressing</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="34"/>
        <source>Paused</source>
        <translation>일시 정지됨</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="36"/>
        <source>Promoting</source>
        <translation>승격 중</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="38"/>
        <source>Succeeded</source>
        <translation>성공</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="40"/>
        <source>Aborted</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="42"/>
        <source>Rolled back</source>
        <translation>롤백됨</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="51"/>
        <source>Pass</source>
        <translation>통과</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="53"/>
        <source>Fail</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="55"/>
        <source>Inconclusive</source>
        <translation>판단 보류</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="63"/>
        <source>Success rate</source>
        <translation>성공률</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="65"/>
        <source>p95 latency</source>
        <translation>p95 지연</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="67"/>
        <source>p99 latency</source>
        <translation>p99 지연</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="69"/>
        <source>Whole step</source>
        <translation>단계 전체</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="81"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="92"/>
        <source>%1 pp</source>
        <translation>%1 %p</translation>
    </message>
</context>
<context>
    <name>ServeDeck::RuleListModel</name>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="70"/>
        <source>Rule %1 (%2)</source>
        <translation>규칙 %1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="79"/>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="82"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="98"/>
        <source>Rule</source>
        <translation>규칙</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="100"/>
        <source>Source</source>
        <translation>출처</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="102"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="104"/>
        <source>Out / in delay</source>
        <translation>아웃 / 인 지연</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="106"/>
        <source>Cooldown</source>
        <translation>쿨다운</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleDialog</name>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="22"/>
        <source>Working…</source>
        <translation>처리 중…</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="23"/>
        <source>Scale</source>
        <translation>스케일</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="25"/>
        <location filename="../ui/endpoints/scaledialog.cpp" line="60"/>
        <source>Scale %1</source>
        <translation>%1 스케일</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="37"/>
        <source>Desired replicas</source>
        <translation>목표 레플리카</translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="63"/>
        <source>Now %1; 0 scales the endpoint to zero.</source>
        <translation>현재 %1개. 0이면 엔드포인트를 0으로 축소합니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleEventModel</name>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="109"/>
        <source>Rule %1</source>
        <translation>규칙 %1</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="116"/>
        <source>▲ UP</source>
        <translation>▲ 증가</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="116"/>
        <source>▼ DOWN</source>
        <translation>▼ 감소</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="121"/>
        <source>operator</source>
        <translation>운영자</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="122"/>
        <source>rule %1 (deleted)</source>
        <translation>규칙 %1 (삭제됨)</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="141"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="143"/>
        <source>Direction</source>
        <translation>방향</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="145"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="147"/>
        <source>Cause</source>
        <translation>원인</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="149"/>
        <source>Metric value</source>
        <translation>메트릭 값</translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="151"/>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
</context>
<context>
    <name>ServeDeck::SettingsDialog</name>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="140"/>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="141"/>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="142"/>
        <source>&amp;Theme</source>
        <translation>테마(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="143"/>
        <location filename="../ui/common/settingsdialog.cpp" line="147"/>
        <source>System default</source>
        <translation>시스템 기본값</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="148"/>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="149"/>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="151"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="152"/>
        <source>History kept</source>
        <translation>기록 보관</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="153"/>
        <source>Errors and scale events, &amp;days</source>
        <translation>오류와 스케일 이벤트 보관 일수(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="154"/>
        <source>At most, &amp;rows per endpoint</source>
        <translation>엔드포인트당 최대 행 수(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="155"/>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="156"/>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="158"/>
        <source>Notifications</source>
        <translation>알림</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="159"/>
        <source>&amp;Database</source>
        <translation>데이터베이스(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="160"/>
        <source>SQLite in the data folder</source>
        <translation>데이터 폴더의 SQLite</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="161"/>
        <source>Empty: this console&apos;s own SQLite file. postgresql://user@host:port/database: a store several consoles share (a password goes in ~/.pgpass). Takes effect at the next start.</source>
        <translation>비워 두면 이 콘솔 자체의 SQLite 파일을 씁니다. postgresql://user@host:port/database: 여러 콘솔이 함께 쓰는 저장소입니다(비밀번호는 ~/.pgpass에 둡니다). 다음 시작부터 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="218"/>
        <source>Keep the password out of the location: put it in ~/.pgpass.</source>
        <translation>위치에 비밀번호를 넣지 마세요. ~/.pgpass에 두세요.</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="241"/>
        <source>This build has no translation for that language.</source>
        <translation>이 빌드에는 해당 언어의 번역이 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="290"/>
        <source>Plane &amp;key file</source>
        <translation>플레인 키 파일(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="291"/>
        <source>Only for a shared plane on PostgreSQL</source>
        <translation>PostgreSQL의 공유 플레인에서만 사용</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="292"/>
        <source>The same file on every console of the plane (make one with servedeck plane-key new FILE). Takes effect at the next start.</source>
        <translation>플레인의 모든 콘솔에 같은 파일을 지정합니다 (servedeck plane-key new FILE로 만듭니다). 다음 시작부터 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="333"/>
        <source>&amp;Jobs per replica</source>
        <translation>레플리카당 작업(&amp;J)</translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="334"/>
        <source>Asynchronous jobs an endpoint runs at once per healthy replica, unless its Modify dialog sets its own limit. Takes effect at the next start.</source>
        <translation>엔드포인트가 정상 레플리카 하나당 동시에 실행하는 비동기 작업 수입니다. 수정 대화상자에서 엔드포인트별 한도를 정하면 그 값을 따릅니다. 다음 시작부터 적용됩니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::SimulatorPanel</name>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="46"/>
        <source>Random interval (50–150 %)</source>
        <translation>무작위 간격 (50–150 %)</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="49"/>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="50"/>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="58"/>
        <source>Constant</source>
        <translation>일정</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="59"/>
        <source>Linear (min to max over the period)</source>
        <translation>선형 (주기 동안 최소에서 최대로)</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="60"/>
        <source>Seasonal (a sinusoid)</source>
        <translation>계절성 (사인파)</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="61"/>
        <source>Random walk</source>
        <translation>랜덤 워크</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="62"/>
        <source>Exponential</source>
        <translation>지수</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="63"/>
        <source>Cyclical</source>
        <translation>주기적</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="72"/>
        <source> requests/s</source>
        <translation> 요청/초</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="80"/>
        <source> s</source>
        <translation> 초</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="85"/>
        <source> ms</source>
        <translation> 밀리초</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="101"/>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="290"/>
        <source>Not running</source>
        <translation>실행 중 아님</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="104"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="109"/>
        <source>Traffic</source>
        <translation>트래픽</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="111"/>
        <source>Pattern</source>
        <translation>패턴</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="112"/>
        <source>Minimum rate</source>
        <translation>최소 속도</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="113"/>
        <source>Maximum rate</source>
        <translation>최대 속도</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="114"/>
        <source>Period</source>
        <translation>주기</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="115"/>
        <source>Interval</source>
        <translation>간격</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="119"/>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="122"/>
        <source>Inputs per request</source>
        <translation>요청당 입력 수</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="130"/>
        <source>Now</source>
        <translation>현재</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="172"/>
        <source>Could not renew the token (the old one lasts until it expires): %1</source>
        <translation>토큰을 갱신하지 못했습니다 (기존 토큰은 만료될 때까지 유효합니다): %1</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="215"/>
        <source>request: its model definition has no request block, so the simulator does not know how to call it</source>
        <translation>request: 모델 정의에 request 블록이 없어 시뮬레이터가 호출 방법을 알 수 없습니다</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="277"/>
        <source>Minting a token…</source>
        <translation>토큰 발급 중…</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="310"/>
        <source>Starting…</source>
        <translation>시작 중…</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="346"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="346"/>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="348"/>
        <source>%1 requests/s now · sent %2 · ok %3 · failed %4</source>
        <translation>현재 %1 요청/초 · 보냄 %2 · 성공 %3 · 실패 %4</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="354"/>
        <source> · skipped %1</source>
        <translation> · 건너뜀 %1</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="356"/>
        <source> · by revision: %1</source>
        <translation> · 리비전별: %1</translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="358"/>
        <source> · stopped</source>
        <translation> · 중지됨</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenListModel</name>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="109"/>
        <source>Revoked %1</source>
        <translation>%1에 폐기됨</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="127"/>
        <source>never</source>
        <translation>만료 없음</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="129"/>
        <source>any address</source>
        <translation>모든 주소</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="135"/>
        <source>active</source>
        <translation>유효</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="137"/>
        <source>expired</source>
        <translation>만료됨</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="139"/>
        <source>revoked</source>
        <translation>폐기됨</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="154"/>
        <source>Token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="156"/>
        <source>Scope</source>
        <translation>범위</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="158"/>
        <source>Issued</source>
        <translation>발급</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="160"/>
        <source>Expires</source>
        <translation>만료</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="162"/>
        <source>Allowed IPs</source>
        <translation>허용 IP</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="164"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenView</name>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="55"/>
        <location filename="../ui/tokens/tokenview.cpp" line="237"/>
        <source>Generate token</source>
        <translation>토큰 생성</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="58"/>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="59"/>
        <source>Export…</source>
        <translation>내보내기…</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="62"/>
        <source>Revoke…</source>
        <translation>폐기…</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="76"/>
        <source>Inference</source>
        <translation>추론</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="77"/>
        <source>Send inference requests to the endpoint</source>
        <translation>엔드포인트에 추론 요청 보내기</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="78"/>
        <source>Read-only</source>
        <translation>읽기 전용</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="79"/>
        <source>Read the endpoint&apos;s status and metrics</source>
        <translation>엔드포인트 상태와 메트릭 읽기</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="80"/>
        <source>Admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="81"/>
        <source>Everything, including changes to the endpoint</source>
        <translation>엔드포인트 변경을 포함한 모든 작업</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="85"/>
        <source>seconds</source>
        <translation>초</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="86"/>
        <source>minutes</source>
        <translation>분</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="87"/>
        <source>hours</source>
        <translation>시간</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="88"/>
        <source>days</source>
        <translation>일</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="89"/>
        <source>never expires</source>
        <translation>만료 없음</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="94"/>
        <source>any address; or e.g. 10.0.0.0/8, 192.168.1.5</source>
        <translation>모든 주소, 또는 예: 10.0.0.0/8, 192.168.1.5</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="101"/>
        <source>The new token appears here, once: it is not stored, so copy or export it.</source>
        <translation>새 토큰은 여기에 한 번만 표시됩니다. 저장되지 않으니 복사하거나 내보내세요.</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="114"/>
        <source>Scope</source>
        <translation>범위</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="116"/>
        <source>Expires after</source>
        <translation>만료 기간</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="118"/>
        <source>Allowed IPs</source>
        <translation>허용 IP</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="125"/>
        <source>Token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="130"/>
        <source>New token</source>
        <translation>새 토큰</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="155"/>
        <source>Issued tokens</source>
        <translation>발급된 토큰</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="161"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="217"/>
        <source>Generating…</source>
        <translation>생성 중…</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="256"/>
        <source>Issued token %1, valid until %2.</source>
        <translation>토큰 %1을(를) 발급했습니다. %2까지 유효합니다.</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="258"/>
        <source>Issued token %1; it never expires.</source>
        <translation>토큰 %1을(를) 발급했습니다. 만료되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="267"/>
        <source>Copied to the clipboard.</source>
        <translation>클립보드에 복사했습니다.</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="273"/>
        <source>Export token</source>
        <translation>토큰 내보내기</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="286"/>
        <source>Written to %1 (readable by you only).</source>
        <translation>%1에 저장했습니다 (본인만 읽을 수 있음).</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="311"/>
        <source>Revoke token</source>
        <translation>토큰 폐기</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="312"/>
        <source>Revoke token %1? Requests that carry it are refused from now on.</source>
        <translation>토큰 %1을(를) 폐기할까요? 이후 이 토큰을 사용하는 요청은 거부됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="314"/>
        <source>Revoke</source>
        <translation>폐기</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplit</name>
    <message>
        <location filename="../ui/detail/trafficsplit.cpp" line="93"/>
        <source>%1 %2 %</source>
        <translation>%1 %2 %</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplitEditor</name>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="108"/>
        <source>Undo failed</source>
        <translation>실행 취소 실패</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="117"/>
        <source>Redo failed</source>
        <translation>다시 실행 실패</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="142"/>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="144"/>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="145"/>
        <source>Blue-green switch</source>
        <translation>블루-그린 전환</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="146"/>
        <source>Roll back</source>
        <translation>롤백</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="219"/>
        <source>Undo: %1</source>
        <translation>실행 취소: %1</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="323"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="354"/>
        <source>%1 (revision %2)</source>
        <translation>%1 (리비전 %2)</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="360"/>
        <source>%1 of %2 routes healthy</source>
        <translation>라우트 %2개 중 %1개 정상</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="362"/>
        <source>not ready</source>
        <translation>준비 안 됨</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="364"/>
        <source>None of its routes is HEALTHY yet, so it takes no traffic whatever its weight.</source>
        <translation>아직 HEALTHY인 라우트가 없어 가중치와 관계없이 트래픽을 받지 않습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="367"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="448"/>
        <source>Canary rollout: the slider sets the new version&apos;s share.</source>
        <translation>카나리 롤아웃: 슬라이더로 새 버전의 비율을 정합니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="450"/>
        <source>Select an endpoint to see how its traffic is split.</source>
        <translation>엔드포인트를 선택하면 트래픽 분할을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="452"/>
        <source>No routes yet: the endpoint takes no traffic.</source>
        <translation>아직 라우트가 없어 엔드포인트가 트래픽을 받지 않습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="454"/>
        <source>All traffic goes to %1. Modify the endpoint with a new model version and the canary strategy to split traffic between two revisions.</source>
        <translation>모든 트래픽이 %1(으)로 갑니다. 두 리비전 사이에 트래픽을 나누려면 새 모델 버전과 카나리 전략으로 엔드포인트를 수정하세요.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="465"/>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="477"/>
        <source>%1 is not ready: none of its routes is HEALTHY.</source>
        <translation>%1은(는) 준비되지 않았습니다. HEALTHY인 라우트가 없습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="466"/>
        <source>All traffic to %1 at once; the other routes keep running for a roll back.</source>
        <translation>모든 트래픽을 한 번에 %1(으)로 보냅니다. 롤백할 수 있도록 다른 라우트는 계속 실행됩니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="478"/>
        <source>All traffic back to %1.</source>
        <translation>모든 트래픽을 %1(으)로 되돌립니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="482"/>
        <source>The canary rollout sets this split: promote, abort or roll it back in the rollout panel.</source>
        <translation>카나리 롤아웃이 이 분배를 정합니다. 승격, 중단, 롤백은 롤아웃 패널에서 하세요.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="552"/>
        <source>The endpoint&apos;s revisions changed; look again and retry.</source>
        <translation>엔드포인트의 리비전이 바뀌었습니다. 다시 확인하고 재시도하세요.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="557"/>
        <source>At least one revision needs a weight above 0, or nothing would serve.</source>
        <translation>적어도 한 리비전은 가중치가 0보다 커야 합니다. 그렇지 않으면 아무것도 응답하지 않습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="593"/>
        <source>The endpoint is gone.</source>
        <translation>엔드포인트가 없어졌습니다.</translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="660"/>
        <source>none of those routes is left</source>
        <translation>해당 라우트가 하나도 남아 있지 않습니다</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrayIcon</name>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="60"/>
        <source>ServeDeck: %1 endpoints, %2 healthy</source>
        <translation>ServeDeck: 엔드포인트 %1개, 정상 %2개</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="71"/>
        <source>Show ServeDeck</source>
        <translation>ServeDeck 보이기</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="74"/>
        <source>No notifications yet</source>
        <translation>아직 알림이 없습니다</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="77"/>
        <source>%1 ×%2 (%3)</source>
        <translation>%1 ×%2 (%3)</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="79"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="83"/>
        <source>Notification settings…</source>
        <translation>알림 설정…</translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="84"/>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
</context>
<context>
    <name>ServeDeck::TryPanel</name>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="78"/>
        <source>Add header</source>
        <translation>헤더 추가</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="79"/>
        <source>Remove header</source>
        <translation>헤더 삭제</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="80"/>
        <source>Mint a short-lived token</source>
        <translation>단기 토큰 발급</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="81"/>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="82"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="98"/>
        <source>/predict</source>
        <translation>/predict</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="104"/>
        <source>Request body (JSON)</source>
        <translation>요청 본문 (JSON)</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="106"/>
        <source>Header</source>
        <translation>헤더</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="106"/>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="110"/>
        <source>An inference token for this endpoint that expires in %1 minutes</source>
        <translation>이 엔드포인트용 추론 토큰으로, %1분 후 만료됩니다</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="122"/>
        <source>Time (ms)</source>
        <translation>시각 (ms)</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="122"/>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="128"/>
        <source>The answer appears here</source>
        <translation>응답이 여기에 표시됩니다</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="131"/>
        <source>Endpoint</source>
        <translation>엔드포인트</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="136"/>
        <source>Path</source>
        <translation>경로</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="141"/>
        <source>Request</source>
        <translation>요청</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="159"/>
        <source>Answer</source>
        <translation>응답</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="162"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="163"/>
        <source>Route</source>
        <translation>라우트</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="164"/>
        <source>Revision</source>
        <translation>리비전</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="165"/>
        <source>Timings</source>
        <translation>소요 시간</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="166"/>
        <source>Stream</source>
        <translation>스트림</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="271"/>
        <source>Minted for this endpoint; expires in %1 minutes</source>
        <translation>이 엔드포인트용으로 발급됨, %1분 후 만료</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="357"/>
        <source>Sending…</source>
        <translation>보내는 중…</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="385"/>
        <source>Events so far: %1</source>
        <translation>지금까지 이벤트: %1</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="391"/>
        <source>No answer: %1</source>
        <translation>응답 없음: %1</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="393"/>
        <source>%1, then: %2</source>
        <translation>%1, 이후: %2</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="397"/>
        <location filename="../ui/trylab/trypanel.cpp" line="398"/>
        <location filename="../ui/trylab/trypanel.cpp" line="405"/>
        <location filename="../ui/trylab/trypanel.cpp" line="406"/>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="399"/>
        <source>connect %1 ms · first byte %2 ms · total %3 ms</source>
        <translation>연결 %1 ms · 첫 바이트 %2 ms · 전체 %3 ms</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="400"/>
        <source>reused</source>
        <translation>재사용</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="403"/>
        <source>events: %1 · time to first token %2 ms · %3 tokens/s</source>
        <translation>이벤트: %1 · 첫 토큰까지 %2 ms · 초당 %3 토큰</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="408"/>
        <source>not a stream</source>
        <translation>스트림 아님</translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="413"/>
        <source>The stream&apos;s events are listed above.</source>
        <translation>스트림의 이벤트는 위에 나열되어 있습니다.</translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageCostModel</name>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="18"/>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="19"/>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="91"/>
        <source>%1: %2 h</source>
        <translation>%1: %2시간</translation>
    </message>
    <message>
        <source>counted per endpoint</source>
        <translation type="vanished">엔드포인트 단위로 집계</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="101"/>
        <source>no prices set</source>
        <translation>설정된 가격 없음</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="103"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="114"/>
        <source>Revision</source>
        <translation>리비전</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="116"/>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="118"/>
        <source>Replica-h</source>
        <translation>레플리카·시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="120"/>
        <source>CPU-h</source>
        <translation>CPU·시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="122"/>
        <source>Memory GiB-h</source>
        <translation>메모리 GiB·시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="124"/>
        <source>GPU-h</source>
        <translation>GPU·시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="126"/>
        <source>GPU-h by device</source>
        <translation>장치별 GPU·시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="128"/>
        <source>Requests</source>
        <translation>요청 수</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="130"/>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="132"/>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageHeatMap</name>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="85"/>
        <source>%1 %2:00–%3:00</source>
        <translation>%1 %2:00–%3:00</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="91"/>
        <source>%1: no samples</source>
        <translation>%1: 샘플 없음</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="92"/>
        <source>%1: %2 requests/s</source>
        <translation>%1: 초당 요청 %2개</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="93"/>
        <source>%1: %2 replicas</source>
        <translation>%1: 레플리카 %2개</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="140"/>
        <source>requests/s</source>
        <translation>요청/초</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="140"/>
        <source>replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="148"/>
        <source>%1; blank: no samples</source>
        <translation>%1; 빈 칸: 샘플 없음</translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageView</name>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="43"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="63"/>
        <source>Last 24 hours</source>
        <translation>최근 24시간</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="64"/>
        <source>Last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="65"/>
        <source>Last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="66"/>
        <source>Last 90 days</source>
        <translation>최근 90일</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="68"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="69"/>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="73"/>
        <source>Endpoint:</source>
        <translation>엔드포인트:</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="87"/>
        <source>Requests per second</source>
        <translation>초당 요청</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="88"/>
        <source>Replicas</source>
        <translation>레플리카</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="91"/>
        <source>Show:</source>
        <translation>표시:</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="105"/>
        <source>EUR</source>
        <translation>EUR</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="106"/>
        <source>Apply prices</source>
        <translation>가격 적용</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="110"/>
        <source>Per CPU-hour:</source>
        <translation>CPU·시간당:</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="112"/>
        <source>Per GPU-hour:</source>
        <translation>GPU·시간당:</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="114"/>
        <source>Currency:</source>
        <translation>통화:</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="132"/>
        <source>Heat map</source>
        <translation>히트맵</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="133"/>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="136"/>
        <source>Recommendations</source>
        <translation>권장 사항</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="210"/>
        <source>%1 replica-hours, %2 requests since %3. Heat map: the mean by hour of the week over the last %4 × 7 days, in %5.</source>
        <translation>%3 이후 레플리카·시간 %1, 요청 %2개. 히트맵: 최근 %4주 동안 요일·시간대별 평균 (%5 기준).</translation>
    </message>
    <message>
        <source>%1 replica-hours, %2 requests since %3. Heat map: the mean by hour of the week over the last %4 weeks, in %5.</source>
        <translation type="vanished">%3 이후 레플리카·시간 %1, 요청 %2개. 히트맵: 최근 %4주 동안 요일·시간대별 평균 (%5 기준).</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="271"/>
        <source>no report to export</source>
        <translation>내보낼 보고서가 없습니다</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="274"/>
        <source>cannot write %1: %2</source>
        <translation>%1에 쓸 수 없습니다: %2</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="282"/>
        <source>usage-%1.csv</source>
        <translation>usage-%1.csv</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="283"/>
        <source>Export usage</source>
        <translation>사용량 내보내기</translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="283"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
</context>
</TS>
