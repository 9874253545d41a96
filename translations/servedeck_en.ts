<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="61"/>
        <location filename="../app/guicommand.cpp" line="102"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentListModel</name>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="22"/>
        <source>%1 CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="25"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="244"/>
        <source>Revoked %1: cut off, and refused should it try to join again under this id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="248"/>
        <source>Its own credential, issued when it first joined; the join token no longer lets this id in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="250"/>
        <source>Reserved by the routes placed on this agent: %1 of %2 CPU, %3 of %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="263"/>
        <source>local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="263"/>
        <source>remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="277"/>
        <source>%1 % (%2 cores)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="288"/>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="290"/>
        <source>issued %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="309"/>
        <source>GPU %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="311"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="315"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="340"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="342"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="344"/>
        <source>CPU cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="346"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="348"/>
        <source>GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="350"/>
        <source>Reserved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="352"/>
        <source>Utilization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="354"/>
        <source>Memory used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="356"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="358"/>
        <source>Credential</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentsView</name>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="35"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="36"/>
        <source>Revoke…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="47"/>
        <source>This console runs no replicas, so it has no agents. Start it with replicas enabled, or let remote agents join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="68"/>
        <source>Join string for remote agents:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="75"/>
        <source>Revoke the selected remote agent&apos;s credential: it is cut off at once, its replicas are replaced elsewhere, and it cannot join again under this id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="135"/>
        <source>The pending queue cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="140"/>
        <source>Pending queue: no replica waits for room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="141"/>
        <source>Pending queue: %1 replica(s) wait for room, by priority, then by age.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="160"/>
        <source>Agent credentials cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="195"/>
        <source>Revoke agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="196"/>
        <source>Revoke agent %1? It is cut off at once, the replicas it runs count as lost and are replaced elsewhere, and it cannot join again under this id, with its credential or the join token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="200"/>
        <source>Revoke</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="222"/>
        <source>Endpoints reserve %1 of %2 CPU cores and %3 of %4 memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="226"/>
        <source>, %1 of %2 GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="230"/>
        <source>That is more than there is: the rest waits in the pending queue below.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AlertRuleListModel</name>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="59"/>
        <source>Condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="61"/>
        <source>For</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/alertrulelistmodel.cpp" line="63"/>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AnalysisDecisionModel</name>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="105"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="107"/>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="109"/>
        <source>n canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="111"/>
        <source>n stable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="113"/>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="115"/>
        <source>Stable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="117"/>
        <source>Effect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/analysisdecisionmodel.cpp" line="119"/>
        <source>Verdict</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleRuleForm</name>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="74"/>
        <source>A metric name starts with a letter or _ and holds letters, digits, _, : or .</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="76"/>
        <source>The step must not be 0: positive scales out, negative scales in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="78"/>
        <source>The target per replica must be greater than 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="80"/>
        <source>Max replicas must be at least 1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="82"/>
        <source>Min replicas (%1) is more than max replicas (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="86"/>
        <source>Delays and cooldown must not be negative.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="115"/>
        <source>Step by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="116"/>
        <source>Target per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="151"/>
        <source>Where the metric comes from: the replica&apos;s kernel (CPU, memory, GPU), the model server, the proxy in front of it, or a custom exporter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="166"/>
        <source>Positive scales out, negative scales in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="169"/>
        <source>Replicas become ceil(metric / target)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="172"/>
        <source>How long the condition must hold before scaling out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="173"/>
        <source>How long the condition must hold before scaling in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="174"/>
        <source>How long to wait after any change before the next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="201"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="203"/>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="210"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="212"/>
        <source>Then</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="217"/>
        <source>Min replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="219"/>
        <source>Max replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="222"/>
        <source>Scale-out delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="224"/>
        <source>Scale-in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="226"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="327"/>
        <source>%1 exports no Prometheus metrics: rules can use the proxy&apos;s metrics and the kernel&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="330"/>
        <source>%1: %2 is read from %3; its own names work too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="423"/>
        <source>&lt;metric&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="427"/>
        <source>Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="432"/>
        <source>Scale out by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="434"/>
        <source>Scale in by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="436"/>
        <source>Keeps %1 to %2 replicas and waits %3 s after any change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="455"/>
        <source>New rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="456"/>
        <source>Edit rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Create rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Save rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="457"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="506"/>
        <source>ConflictingRules: this rule conflicts with rule %1, “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleView</name>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="46"/>
        <source>New rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="47"/>
        <source>Delete rule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="88"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="97"/>
        <source>Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="102"/>
        <source>Scale events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="165"/>
        <source>▲ %1 up · ▼ %2 down (last %3 events)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="179"/>
        <source>Delete rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="180"/>
        <source>Delete the rule “%1”? The endpoint keeps its current replicas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="181"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ChannelDialog</name>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="48"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="49"/>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="51"/>
        <source>Add notification channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="53"/>
        <source>e.g. on-call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="60"/>
        <source>Shown by this console&apos;s desktop, with a click that opens the event.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="70"/>
        <source>optional; signs each payload (HMAC-SHA256)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="71"/>
        <source>&amp;URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="72"/>
        <source>&amp;Secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="80"/>
        <source>one argument a line; run without a shell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="83"/>
        <source>&amp;Program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="84"/>
        <source>&amp;Arguments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="123"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="124"/>
        <source>After a notification, the same event is only counted for this long, then sent once with its count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="129"/>
        <source>&amp;Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="130"/>
        <source>&amp;Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="132"/>
        <source>&amp;Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="133"/>
        <source>None checked: every event.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="136"/>
        <source>Least &amp;severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="137"/>
        <source>E&amp;ndpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channeldialog.cpp" line="138"/>
        <source>&amp;Quiet period</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ChannelListModel</name>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="13"/>
        <source>this console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="48"/>
        <source>Desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="50"/>
        <source>Webhook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="52"/>
        <source>Command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="61"/>
        <source>Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="63"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="65"/>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="93"/>
        <source>Signed with its secret (HMAC-SHA256)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="93"/>
        <source>Not signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="97"/>
        <source>All events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="98"/>
        <source>%1, %2 and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="105"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="111"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="111"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="125"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="127"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="129"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="131"/>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="133"/>
        <source>Quiet period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/channellistmodel.cpp" line="135"/>
        <source>Enabled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::CreateEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="47"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="53"/>
        <source>Public: anyone who reaches the proxy may call it, no token needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="54"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="160"/>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="55"/>
        <source>Deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="62"/>
        <source>New endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="84"/>
        <source>lower-case letters, digits and &apos;-&apos;, e.g. sentiment-analyzer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="85"/>
        <source>e.g. v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="86"/>
        <source>a folder, or the name of one under the model roots (iris-v1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="90"/>
        <source> cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="97"/>
        <source> GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="101"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="102"/>
        <source>Device memory each replica needs. With at most one GPU, replicas share a device where this much is free; vLLM is told its share.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="111"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="133"/>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="114"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="134"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="117"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="135"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="120"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="136"/>
        <source>GPU memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="124"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="125"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="126"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="232"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="127"/>
        <source>Runtime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="128"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="129"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="137"/>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="151"/>
        <source>Resource estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="170"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="225"/>
        <source>Check the endpoint before deploying it: the check finds every problem and estimates the resources it takes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="254"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="277"/>
        <source>No problems found. Replicas to start: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="279"/>
        <source>Model %1 from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="284"/>
        <source>Fix these problems before deploying:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="308"/>
        <source>Runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="310"/>
        <source>Program %1 is not on PATH or in a tools dir.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="312"/>
        <source>Found: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="314"/>
        <source>Missing: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="316"/>
        <source>This runtime exports no Prometheus metrics: rules can use the proxy&apos;s own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="346"/>
        <source>Deploying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="359"/>
        <source>The endpoint was not created:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DeliveryListModel</name>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="80"/>
        <source>%1 ×%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="92"/>
        <source>Delivered (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="92"/>
        <source>Failed (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="108"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="110"/>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="112"/>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="114"/>
        <source>Attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/deliverylistmodel.cpp" line="116"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DemoDialog</name>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="22"/>
        <source>to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="24"/>
        <source>running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="26"/>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="28"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="30"/>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="90"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="91"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="92"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="94"/>
        <source>ServeDeck demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="95"/>
        <source>A walk through ServeDeck on the bundled iris models, on this console&apos;s own control plane: it creates the endpoint %1 and deletes it again at the end, on Cancel or when this window closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="138"/>
        <source>Every step worked; the demo endpoint is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="139"/>
        <source>Cancelled; what the demo created is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="140"/>
        <source>Failed: %1. What the demo created is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="159"/>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="171"/>
        <source>%1. %2 — %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/demo/demodialog.cpp" line="179"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DemoTour</name>
    <message>
        <location filename="../core/demo/demotour.cpp" line="87"/>
        <source>Deploy iris v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="88"/>
        <source>An endpoint named %1 serves the bundled iris classifier v1 with %2 replicas; the reconciler starts them on the local agent and the proxy routes to those that pass their health check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="93"/>
        <source>Send traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="94"/>
        <source>The traffic simulator sends a seasonal pattern, between %1 and %2 requests per second over %3 s, of generated iris measurements to the endpoint&apos;s URL through the proxy; every answer names the revision that served it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="101"/>
        <source>Autoscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="102"/>
        <source>A rule on requests per second asks for one replica per %1 requests per second (at most %2): the autoscaler sees the demo&apos;s traffic and adds a replica.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="107"/>
        <source>Canary of v2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="108"/>
        <source>A manual canary starts iris v2 beside v1 with %1 % of the requests, then the weight moves to %2 % (as the slider does): both revisions answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="113"/>
        <source>Kill a replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="114"/>
        <source>One replica&apos;s process is killed: the agent records the crash in the error list and the reconciler starts a replacement.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="117"/>
        <source>Clean up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="118"/>
        <source>The demo stops its traffic and deletes %1 with its replicas, rule and rollout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="178"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="235"/>
        <source>endpoint &apos;%1&apos; exists already; the demo does not touch it (delete it first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="266"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="269"/>
        <source>%1 after %2 s at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="277"/>
        <source>the model definition of %1 has no request block: the simulator does not know how to call it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="307"/>
        <source>%1 requests/s now; %2 sent, %3 answered 2xx (v1: %4), %5 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="354"/>
        <source>%1 replicas wanted, %2 healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="361"/>
        <source>scaled %1 → %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="363"/>
        <source>%1 (after %2 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="398"/>
        <source>the canary&apos;s replica is not healthy yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="413"/>
        <source>since the weight moved to %1 %: v1 answered %2, v2 answered %3, %4 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="451"/>
        <source>replica %1 is not a process of this control plane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="456"/>
        <source>cannot kill replica %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="457"/>
        <source>killed replica %1 (process %2) with SIGKILL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="459"/>
        <source>no healthy replica runs on this machine&apos;s agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="479"/>
        <source>recorded: %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="482"/>
        <source>no error recorded yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="492"/>
        <source>%1; waiting for a replacement (%2 of %3 healthy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="496"/>
        <source>%1; a replacement serves (%2 of %3 healthy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="514"/>
        <source>nothing was created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="531"/>
        <source>the endpoint is gone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="534"/>
        <source>the endpoint is still live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="536"/>
        <source>the endpoint is deleted and its replicas stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="537"/>
        <source>%1 replicas still stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demotour.cpp" line="558"/>
        <location filename="../core/demo/demotour.cpp" line="580"/>
        <source>not within %1 s: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DesktopNotifier</name>
    <message>
        <location filename="../ui/notify/desktopnotifier.cpp" line="112"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/desktopnotifier.cpp" line="113"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DisplayFormat</name>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="46"/>
        <source>exit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="53"/>
        <source>%1 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="55"/>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="57"/>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/displayformat.cpp" line="58"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointDetailView</name>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="151"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="153"/>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="162"/>
        <source>Try…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="164"/>
        <source>Send this endpoint a request and see its answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="167"/>
        <source>Simulate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="169"/>
        <source>Drive this endpoint with a traffic pattern until stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="174"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="249"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="176"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="177"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="180"/>
        <source>Routes by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="187"/>
        <source>Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="188"/>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="191"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="212"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="193"/>
        <source>p95 latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="196"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="627"/>
        <source>Replica CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="198"/>
        <source>%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="199"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="629"/>
        <source>Replica memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="201"/>
        <source>MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="204"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="548"/>
        <source>Generation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="207"/>
        <source>tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="209"/>
        <source>Tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="214"/>
        <source>TTFT p50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="215"/>
        <source>TTFT p95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="217"/>
        <source>Traffic split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="239"/>
        <source>Rollout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="277"/>
        <source>Open in Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="279"/>
        <source>The Jobs view, showing this endpoint&apos;s jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="548"/>
        <source>Generation: no OpenAI-style answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="614"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="627"/>
        <source>Replica CPU (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="628"/>
        <source>Replica memory (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="637"/>
        <source>No endpoint selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="645"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="647"/>
        <source>%1 req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="649"/>
        <source>p95 %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="651"/>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="660"/>
        <source>Jobs: %1 queued, %2 running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="662"/>
        <source>, at most %1 at once</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="178"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="226"/>
        <source>Requests per second, last %1 samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="251"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="254"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="267"/>
        <source>Requests per second over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="269"/>
        <source>95th percentile latency over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="271"/>
        <source>Share of requests that failed over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="273"/>
        <source>Jobs queued + running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="282"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="284"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="286"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="288"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="290"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="292"/>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="294"/>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="296"/>
        <source>Req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="298"/>
        <source>p95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="300"/>
        <source>Error rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="302"/>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointSelector</name>
    <message>
        <location filename="../ui/common/endpointselector.cpp" line="58"/>
        <source>All endpoints</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorBrowserView</name>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="62"/>
        <source>Clear errors…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="69"/>
        <source>All types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="72"/>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="73"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="74"/>
        <source>Last day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="75"/>
        <source>Search messages and logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="77"/>
        <source>Clear the shown endpoint&apos;s errors; its retry counter resets so scaling resumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="133"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="134"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="135"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="136"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="137"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="146"/>
        <source>No log output was captured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="148"/>
        <source>Log tail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="178"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="187"/>
        <source>Select an error to see its exit status and log tail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="194"/>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="198"/>
        <source>replica %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="200"/>
        <source>route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="201"/>
        <source>the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="203"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="205"/>
        <source>none recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="232"/>
        <source>Clear the errors of every endpoint?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="233"/>
        <source>Clear every error of %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="234"/>
        <location filename="../ui/errors/errorbrowserview.cpp" line="236"/>
        <source>Clear errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="235"/>
        <source>Their retry counters reset, so scaling starts replicas again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorListModel</name>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="160"/>
        <source>Route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="200"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="202"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="204"/>
        <source>Replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="206"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="208"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="210"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="212"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobDetailPane</name>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="58"/>
        <source>Cancel job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="59"/>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="68"/>
        <source>A queued job never runs; a running one&apos;s request is aborted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="70"/>
        <source>Queue the job again as a new attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="76"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="77"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="78"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="79"/>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="80"/>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="81"/>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="82"/>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="83"/>
        <source>Queue time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="84"/>
        <source>Run time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="87"/>
        <source>Route</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="88"/>
        <source>Revision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="89"/>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="90"/>
        <source>Deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="91"/>
        <source>Idempotency key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="92"/>
        <source>Submitted by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="106"/>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="110"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="182"/>
        <source>Select a job to see its timings, request and answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="192"/>
        <source>Job %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="197"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="214"/>
        <source>Body: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="234"/>
        <source>No answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="234"/>
        <source>No answer yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="240"/>
        <source>Reading the answer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobdetailpane.cpp" line="266"/>
        <source>HTTP %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobTableModel</name>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="123"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="125"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="128"/>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="129"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="163"/>
        <source>Route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="223"/>
        <source>Attempts started of the most allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="225"/>
        <source>From submission to the latest attempt&apos;s start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="227"/>
        <source>From the latest attempt&apos;s start to the job&apos;s end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="229"/>
        <source>The model&apos;s HTTP status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="238"/>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="240"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="242"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="244"/>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="246"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="248"/>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="250"/>
        <source>Queue time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="252"/>
        <source>Run time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="254"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtablemodel.cpp" line="256"/>
        <source>Revision</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobText</name>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="57"/>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="59"/>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="61"/>
        <source>Succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="63"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="65"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="67"/>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="75"/>
        <source>(empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="78"/>
        <source>%1 bytes (binary)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobtext.cpp" line="95"/>
        <source>… the first %1 of %2 bytes shown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::JobsView</name>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="50"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="59"/>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="63"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="64"/>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="65"/>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="66"/>
        <source>All time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="71"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="72"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/jobs/jobsview.cpp" line="73"/>
        <source>Queued in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::LoadTestHistoryModel</name>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="105"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="118"/>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="120"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="122"/>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="124"/>
        <source>Requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="126"/>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="128"/>
        <source>p95 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="130"/>
        <source>Success (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtesthistorymodel.cpp" line="132"/>
        <source>Targets</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::LoadTestView</name>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="83"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="84"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="95"/>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="96"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="101"/>
        <source>Fixed rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="102"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="156"/>
        <source>Ramp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="103"/>
        <source>Poisson</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="104"/>
        <source>Closed loop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="108"/>
        <source> /s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="122"/>
        <source>by duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="127"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="129"/>
        <source>/predict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="131"/>
        <source>Request body (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="135"/>
        <source>Pass/fail targets, separated by spaces: rps&gt;30 p95&lt;200ms success&gt;95% ttft_p95&lt;500ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="145"/>
        <source>No run yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="147"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="149"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="150"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="151"/>
        <source>Rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="154"/>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="157"/>
        <source>Concurrency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="158"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="590"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="159"/>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="160"/>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="161"/>
        <source>Body</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="162"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="721"/>
        <source>Targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="172"/>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="177"/>
        <source>s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="180"/>
        <source>requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="183"/>
        <location filename="../ui/loadtest/loadtestview.cpp" line="608"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="189"/>
        <source>Answered/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="190"/>
        <source>Sent/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="191"/>
        <source>p50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="192"/>
        <source>p95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="193"/>
        <source>p99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="199"/>
        <source>Latency histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="226"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="246"/>
        <source>Select two runs to see them side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="248"/>
        <source>Save the selected run as JSON or CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="254"/>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="459"/>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="461"/>
        <source>A load test runs already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="502"/>
        <source>%1 s of %2 s · sent %3 · answered %4 · failed %5 · in flight %6 · late %7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="527"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>%1 %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>✔</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="528"/>
        <source>✘</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="541"/>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="542"/>
        <source>%1 · %2 requests · %3 % success · %4 requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="543"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="547"/>
        <source>latency ms: p50 %1 · p90 %2 · p95 %3 · p99 %4 · p99.9 %5 · max %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="550"/>
        <source>statuses: %1 · started late: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="553"/>
        <source>time to first token p50 %1 ms · p95 %2 ms · %3 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="559"/>
        <source>revision %1: %2 requests · p95 %3 ms · %4 % success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="610"/>
        <source>Latency histogram: %1 ms to %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="634"/>
        <source>The run was not stored: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="717"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Success (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="719"/>
        <source>p50 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p90 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p95 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p99 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>p99.9 (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="720"/>
        <source>max (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="721"/>
        <source>Started late</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="766"/>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="782"/>
        <source>Export run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/loadtest/loadtestview.cpp" line="783"/>
        <source>JSON (*.json);;CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="153"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="257"/>
        <source>Search endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="195"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="166"/>
        <location filename="../ui/mainwindow.cpp" line="217"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="167"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <location filename="../ui/mainwindow.cpp" line="644"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="168"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="169"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Autoscaling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="170"/>
        <location filename="../ui/mainwindow.cpp" line="325"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="171"/>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="172"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Load test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="173"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="176"/>
        <location filename="../ui/mainwindow.cpp" line="361"/>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="196"/>
        <source>Data: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="197"/>
        <source>API %1 · Proxy %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="310"/>
        <source>New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <source>Deploy a new endpoint (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="314"/>
        <source>Scale…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="315"/>
        <source>Set the selected endpoint&apos;s replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="317"/>
        <source>Modify…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="319"/>
        <source>Change the selected endpoint&apos;s version, resources, replicas or visibility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="321"/>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="323"/>
        <source>Delete the selected endpoint (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="327"/>
        <source>Charts and traffic split of the selected endpoint (Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="329"/>
        <source>Try…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="331"/>
        <source>Send the selected endpoint a request and see its answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="333"/>
        <source>Simulate traffic…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="334"/>
        <source>Drive the selected endpoint with a traffic pattern until stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="341"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="344"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>&amp;Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="359"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="371"/>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="373"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="374"/>
        <source>Demo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="379"/>
        <location filename="../ui/mainwindow.cpp" line="380"/>
        <source>About ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="381"/>
        <source>ServeDeck %1
A console and server for model serving.
Qt %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="465"/>
        <source>Try an endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="487"/>
        <source>Simulate traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="618"/>
        <source>Delete endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="619"/>
        <source>Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="621"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="644"/>
        <source>Errors (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ModifyEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="29"/>
        <source>Public (no token needed for inference)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="32"/>
        <source>A higher-priority endpoint may stop its replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="36"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="37"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="39"/>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="161"/>
        <source>Modify %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="42"/>
        <source>Rolling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="43"/>
        <source>Blue-green</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="44"/>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="45"/>
        <source>Progressive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="46"/>
        <source>Surge new replicas, shift traffic as they become healthy, drain the old ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="48"/>
        <source>Bring up the whole new set, then switch all traffic at once; the old set stays warm for a rollback.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="51"/>
        <source>The new version takes the share set here; move it with the canary slider, then promote or abort.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="54"/>
        <source>Steps of share (the one set here, then 25, 50, 100 %), each compared with the stable version; a regression rolls back by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="70"/>
        <source>Replicas waiting for room start by priority (higher first), then by age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="72"/>
        <source>Only scale-outs by rules wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="73"/>
        <source>Every scale-out waits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="74"/>
        <source>Nothing waits (refused when full)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="75"/>
        <source>Whether a replica that does not fit waits in the pending queue until room frees, or the change is refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="81"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="83"/>
        <source>The p95 latency this endpoint should stay under; recommendations judge a replica&apos;s throughput by it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="88"/>
        <source>default (per replica)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="89"/>
        <source>At most this many of its asynchronous jobs run at once; the default is the HEALTHY replicas times the console&apos;s per-replica limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="101"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="102"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="103"/>
        <source>Rollout strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="104"/>
        <source>Canary share of the new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="105"/>
        <source>CPU per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="106"/>
        <source>Memory per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="107"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="111"/>
        <source>other names, comma-separated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="112"/>
        <source>Requests at the proxy&apos;s OpenAI front door (/v1/chat/completions, /v1/completions, /v1/embeddings) whose model is one of these names go to this endpoint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="115"/>
        <source>Aliases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="116"/>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="117"/>
        <source>When capacity is full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="118"/>
        <source>Preemption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="119"/>
        <source>Latency target (p95)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="120"/>
        <source>Jobs at once</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::NotificationSettingsPage</name>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="230"/>
        <source>Channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="231"/>
        <source>Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="232"/>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="233"/>
        <source>Send the selected channel a sample notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="234"/>
        <source>Remove…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="235"/>
        <source>Deliveries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="236"/>
        <source>Alert rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="237"/>
        <source>&amp;Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="238"/>
        <source>Alert when</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="239"/>
        <source>for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="240"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="242"/>
        <source>Add rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="243"/>
        <source>Remove rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="334"/>
        <source>Sample sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="345"/>
        <source>Remove channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="346"/>
        <source>Remove the notification channel %1? It stops receiving notifications; its deliveries stay listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/notificationsettingspage.cpp" line="348"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::PendingQueueModel</name>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="59"/>
        <source>waiting for its turn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="71"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="73"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="75"/>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="77"/>
        <source>Waiting since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/pendingqueuemodel.cpp" line="79"/>
        <source>Why it waits</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::PlaneStatusLabel</name>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="31"/>
        <source>Leader: %1 · epoch %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="33"/>
        <source>Following: no leader yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="35"/>
        <source>Following %1 · epoch %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="39"/>
        <source> · lease renewed %1 s ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/plane/planestatuslabel.cpp" line="54"/>
        <source>Database: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RecommendationPanel</name>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="37"/>
        <source>Pick an endpoint to see its recommendations.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="39"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="97"/>
        <source>Reading the recorded usage…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="105"/>
        <source>No recommendations.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="136"/>
        <source>Evidence: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="139"/>
        <source>Nothing to apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="139"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="143"/>
        <source>A warning: change the rule yourself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="155"/>
        <source>No recommendations: the recorded usage suggests no change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="156"/>
        <source>Recommendations from the recorded usage: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="166"/>
        <source>Applying recommendation %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/recommendationpanel.cpp" line="176"/>
        <source>Not applied.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ReplicaTableModel</name>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="114"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="116"/>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="118"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="119"/>
        <source>Starting · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="131"/>
        <source>Its runtime answers that it is still loading the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="132"/>
        <source>Waiting for its first healthy answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="162"/>
        <source>Replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="164"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="166"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="168"/>
        <source>Process</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/replicatablemodel.cpp" line="170"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutEventModel</name>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="49"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="84"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="86"/>
        <source>Phase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="88"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="90"/>
        <source>Share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouteventmodel.cpp" line="92"/>
        <source>What happened</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutPanel</name>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="80"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="82"/>
        <source>Promote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="83"/>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="84"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="85"/>
        <source>Abort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="86"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="88"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="544"/>
        <source>Rollback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="87"/>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="114"/>
        <source>Make the new version the stable one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="115"/>
        <source>Hold the rollout at its current step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="116"/>
        <source>Continue from the current step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="117"/>
        <source>Stop the rollout: all traffic back on the stable version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="139"/>
        <source>Success rate by step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="140"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="144"/>
        <source>Stable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="141"/>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="145"/>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="142"/>
        <source>%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="143"/>
        <source>p95 latency by step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="146"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="157"/>
        <source>Analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="158"/>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="200"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="300"/>
        <source>No rollout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="302"/>
        <source>Select an endpoint to see its rollouts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="303"/>
        <source>Modify the endpoint with a new model version to start one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="313"/>
        <source>%1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="315"/>
        <source>step %1 of %2 at %3 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="320"/>
        <source>new version at %1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="322"/>
        <source>failed replicas: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="324"/>
        <source>failed checks: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="339"/>
        <source>Analysis (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="340"/>
        <source>Timeline (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="363"/>
        <source>Start the rollout to %1 again, with the same strategy and settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="366"/>
        <source>All traffic back on %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="367"/>
        <source>Roll back the newest rollout (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="541"/>
        <source>Stop the rollout of %1 and send all traffic back to %2?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rolloutpanel.cpp" line="542"/>
        <source>Send all traffic on %1 back to %2? Where the old replicas are gone, they are brought back first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RolloutText</name>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="17"/>
        <source>Rolling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="19"/>
        <source>Blue-green</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="21"/>
        <source>Canary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="23"/>
        <source>Progressive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="32"/>
        <source>Progressing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="34"/>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="36"/>
        <source>Promoting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="38"/>
        <source>Succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="40"/>
        <source>Aborted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="42"/>
        <source>Rolled back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="51"/>
        <source>Pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="53"/>
        <source>Fail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="55"/>
        <source>Inconclusive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="63"/>
        <source>Success rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="65"/>
        <source>p95 latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="67"/>
        <source>p99 latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="69"/>
        <source>Whole step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="81"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rollouts/rollouttext.cpp" line="92"/>
        <source>%1 pp</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RuleListModel</name>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="70"/>
        <source>Rule %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="79"/>
        <source>%1–%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="82"/>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="98"/>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="100"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="102"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="104"/>
        <source>Out / in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="106"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleDialog</name>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="22"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="23"/>
        <source>Scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="25"/>
        <location filename="../ui/endpoints/scaledialog.cpp" line="60"/>
        <source>Scale %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="37"/>
        <source>Desired replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/scaledialog.cpp" line="63"/>
        <source>Now %1; 0 scales the endpoint to zero.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleEventModel</name>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="109"/>
        <source>Rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="116"/>
        <source>▲ UP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="116"/>
        <source>▼ DOWN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="121"/>
        <source>operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="122"/>
        <source>rule %1 (deleted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="141"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="143"/>
        <source>Direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="145"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="147"/>
        <source>Cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="149"/>
        <source>Metric value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="151"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::SettingsDialog</name>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="140"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="141"/>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="142"/>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="143"/>
        <location filename="../ui/common/settingsdialog.cpp" line="147"/>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="148"/>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="149"/>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="151"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="152"/>
        <source>History kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="153"/>
        <source>Errors and scale events, &amp;days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="154"/>
        <source>At most, &amp;rows per endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="155"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="156"/>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="158"/>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="159"/>
        <source>&amp;Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="160"/>
        <source>SQLite in the data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="161"/>
        <source>Empty: this console&apos;s own SQLite file. postgresql://user@host:port/database: a store several consoles share (a password goes in ~/.pgpass). Takes effect at the next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="218"/>
        <source>Keep the password out of the location: put it in ~/.pgpass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="241"/>
        <source>This build has no translation for that language.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="290"/>
        <source>Plane &amp;key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="291"/>
        <source>Only for a shared plane on PostgreSQL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="292"/>
        <source>The same file on every console of the plane (make one with servedeck plane-key new FILE). Takes effect at the next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="333"/>
        <source>&amp;Jobs per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="334"/>
        <source>Asynchronous jobs an endpoint runs at once per healthy replica, unless its Modify dialog sets its own limit. Takes effect at the next start.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::SimulatorPanel</name>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="46"/>
        <source>Random interval (50–150 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="49"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="50"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="58"/>
        <source>Constant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="59"/>
        <source>Linear (min to max over the period)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="60"/>
        <source>Seasonal (a sinusoid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="61"/>
        <source>Random walk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="62"/>
        <source>Exponential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="63"/>
        <source>Cyclical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="72"/>
        <source> requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="80"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="85"/>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="101"/>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="290"/>
        <source>Not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="104"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="109"/>
        <source>Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="111"/>
        <source>Pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="112"/>
        <source>Minimum rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="113"/>
        <source>Maximum rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="114"/>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="115"/>
        <source>Interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="119"/>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="122"/>
        <source>Inputs per request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="130"/>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="172"/>
        <source>Could not renew the token (the old one lasts until it expires): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="215"/>
        <source>request: its model definition has no request block, so the simulator does not know how to call it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="277"/>
        <source>Minting a token…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="310"/>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="346"/>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="346"/>
        <source>–</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="348"/>
        <source>%1 requests/s now · sent %2 · ok %3 · failed %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="354"/>
        <source> · skipped %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="356"/>
        <source> · by revision: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/simulatorpanel.cpp" line="358"/>
        <source> · stopped</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenListModel</name>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="109"/>
        <source>Revoked %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="127"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="129"/>
        <source>any address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="135"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="137"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="139"/>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="154"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="156"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="158"/>
        <source>Issued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="160"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="162"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="164"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenView</name>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="55"/>
        <location filename="../ui/tokens/tokenview.cpp" line="237"/>
        <source>Generate token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="58"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="59"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="62"/>
        <source>Revoke…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="76"/>
        <source>Inference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="77"/>
        <source>Send inference requests to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="78"/>
        <source>Read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="79"/>
        <source>Read the endpoint&apos;s status and metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="80"/>
        <source>Admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="81"/>
        <source>Everything, including changes to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="85"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="86"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="87"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="88"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="89"/>
        <source>never expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="94"/>
        <source>any address; or e.g. 10.0.0.0/8, 192.168.1.5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="101"/>
        <source>The new token appears here, once: it is not stored, so copy or export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="114"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="116"/>
        <source>Expires after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="118"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="125"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="130"/>
        <source>New token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="155"/>
        <source>Issued tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="161"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="217"/>
        <source>Generating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="256"/>
        <source>Issued token %1, valid until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="258"/>
        <source>Issued token %1; it never expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="267"/>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="273"/>
        <source>Export token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="286"/>
        <source>Written to %1 (readable by you only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="311"/>
        <source>Revoke token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="312"/>
        <source>Revoke token %1? Requests that carry it are refused from now on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="314"/>
        <source>Revoke</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplit</name>
    <message>
        <location filename="../ui/detail/trafficsplit.cpp" line="93"/>
        <source>%1 %2 %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplitEditor</name>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="108"/>
        <source>Undo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="117"/>
        <source>Redo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="142"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="144"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="145"/>
        <source>Blue-green switch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="146"/>
        <source>Roll back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="219"/>
        <source>Undo: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="323"/>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="354"/>
        <source>%1 (revision %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="360"/>
        <source>%1 of %2 routes healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="362"/>
        <source>not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="364"/>
        <source>None of its routes is HEALTHY yet, so it takes no traffic whatever its weight.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="367"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="448"/>
        <source>Canary rollout: the slider sets the new version&apos;s share.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="450"/>
        <source>Select an endpoint to see how its traffic is split.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="452"/>
        <source>No routes yet: the endpoint takes no traffic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="454"/>
        <source>All traffic goes to %1. Modify the endpoint with a new model version and the canary strategy to split traffic between two revisions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="465"/>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="477"/>
        <source>%1 is not ready: none of its routes is HEALTHY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="466"/>
        <source>All traffic to %1 at once; the other routes keep running for a roll back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="478"/>
        <source>All traffic back to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="482"/>
        <source>The canary rollout sets this split: promote, abort or roll it back in the rollout panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="552"/>
        <source>The endpoint&apos;s revisions changed; look again and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="557"/>
        <source>At least one revision needs a weight above 0, or nothing would serve.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="593"/>
        <source>The endpoint is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="660"/>
        <source>none of those routes is left</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrayIcon</name>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="60"/>
        <source>ServeDeck: %1 endpoints, %2 healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="71"/>
        <source>Show ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="74"/>
        <source>No notifications yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="77"/>
        <source>%1 ×%2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="79"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="83"/>
        <source>Notification settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/notify/trayicon.cpp" line="84"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TryPanel</name>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="78"/>
        <source>Add header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="79"/>
        <source>Remove header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="80"/>
        <source>Mint a short-lived token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="81"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="82"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="98"/>
        <source>/predict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="104"/>
        <source>Request body (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="106"/>
        <source>Header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="106"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="110"/>
        <source>An inference token for this endpoint that expires in %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="122"/>
        <source>Time (ms)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="122"/>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="128"/>
        <source>The answer appears here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="131"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="136"/>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="141"/>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="159"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="162"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="163"/>
        <source>Route</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="164"/>
        <source>Revision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="165"/>
        <source>Timings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="166"/>
        <source>Stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="271"/>
        <source>Minted for this endpoint; expires in %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="357"/>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="385"/>
        <source>Events so far: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="391"/>
        <source>No answer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="393"/>
        <source>%1, then: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="397"/>
        <location filename="../ui/trylab/trypanel.cpp" line="398"/>
        <location filename="../ui/trylab/trypanel.cpp" line="405"/>
        <location filename="../ui/trylab/trypanel.cpp" line="406"/>
        <source>–</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="399"/>
        <source>connect %1 ms · first byte %2 ms · total %3 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="400"/>
        <source>reused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="403"/>
        <source>events: %1 · time to first token %2 ms · %3 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="408"/>
        <source>not a stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trylab/trypanel.cpp" line="413"/>
        <source>The stream&apos;s events are listed above.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageCostModel</name>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="18"/>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="19"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="91"/>
        <source>%1: %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="101"/>
        <source>no prices set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="103"/>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="114"/>
        <source>Revision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="116"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="118"/>
        <source>Replica-h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="120"/>
        <source>CPU-h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="122"/>
        <source>Memory GiB-h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="124"/>
        <source>GPU-h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="126"/>
        <source>GPU-h by device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="128"/>
        <source>Requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="130"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usagecostmodel.cpp" line="132"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageHeatMap</name>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="85"/>
        <source>%1 %2:00–%3:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="91"/>
        <source>%1: no samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="92"/>
        <source>%1: %2 requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="93"/>
        <source>%1: %2 replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="140"/>
        <source>requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="140"/>
        <source>replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageheatmap.cpp" line="148"/>
        <source>%1; blank: no samples</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::UsageView</name>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="43"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="63"/>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="64"/>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="65"/>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="66"/>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="68"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="69"/>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="73"/>
        <source>Endpoint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="87"/>
        <source>Requests per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="88"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="91"/>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="105"/>
        <source>EUR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="106"/>
        <source>Apply prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="110"/>
        <source>Per CPU-hour:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="112"/>
        <source>Per GPU-hour:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="114"/>
        <source>Currency:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="132"/>
        <source>Heat map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="133"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="136"/>
        <source>Recommendations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="210"/>
        <source>%1 replica-hours, %2 requests since %3. Heat map: the mean by hour of the week over the last %4 × 7 days, in %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="271"/>
        <source>no report to export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="274"/>
        <source>cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="282"/>
        <source>usage-%1.csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="283"/>
        <source>Export usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/usage/usageview.cpp" line="283"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
