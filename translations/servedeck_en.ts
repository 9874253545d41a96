<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="53"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentListModel</name>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="20"/>
        <source>%1 CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="23"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="191"/>
        <source>Reserved by the routes placed on this agent: %1 of %2 CPU, %3 of %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="201"/>
        <source>local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="201"/>
        <source>remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="215"/>
        <source>%1 % (%2 cores)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="239"/>
        <source>GPU %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="241"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="245"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="269"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="271"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="273"/>
        <source>CPU cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="275"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="277"/>
        <source>GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="279"/>
        <source>Reserved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="281"/>
        <source>Utilization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="283"/>
        <source>Memory used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentlistmodel.cpp" line="285"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentsView</name>
    <message>
        <location filename="../ui/agentsview.cpp" line="29"/>
        <source>This console runs no replicas, so it has no agents. Start it with replicas enabled, or let remote agents join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentsview.cpp" line="61"/>
        <source>Endpoints reserve %1 of %2 CPU cores and %3 of %4 memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agentsview.cpp" line="65"/>
        <source>, %1 of %2 GPUs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleRuleForm</name>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="87"/>
        <source>A metric name starts with a letter or _ and holds letters, digits, _, : or .</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="89"/>
        <source>The step must not be 0: positive scales out, negative scales in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="91"/>
        <source>The target per replica must be greater than 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="93"/>
        <source>Max replicas must be at least 1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="95"/>
        <source>Min replicas (%1) is more than max replicas (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="99"/>
        <source>Delays and cooldown must not be negative.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="125"/>
        <source>Step by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="126"/>
        <source>Target per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="161"/>
        <source>Where the metric comes from: the replica&apos;s kernel (CPU, memory, GPU), the model server, the proxy in front of it, or a custom exporter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="176"/>
        <source>Positive scales out, negative scales in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="179"/>
        <source>Replicas become ceil(metric / target)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="182"/>
        <source>How long the condition must hold before scaling out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="183"/>
        <source>How long the condition must hold before scaling in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="184"/>
        <source>How long to wait after any change before the next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="211"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="213"/>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="216"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="218"/>
        <source>Then</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="223"/>
        <source>Min replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="225"/>
        <source>Max replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="228"/>
        <source>Scale-out delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="230"/>
        <source>Scale-in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="232"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="359"/>
        <source>&lt;metric&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="363"/>
        <source>Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="368"/>
        <source>Scale out by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="370"/>
        <source>Scale in by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="372"/>
        <source>Keeps %1 to %2 replicas and waits %3 s after any change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="391"/>
        <source>New rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="392"/>
        <source>Edit rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="393"/>
        <source>Create rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="393"/>
        <source>Save rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleruleform.cpp" line="426"/>
        <source>ConflictingRules: this rule conflicts with rule %1, “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleView</name>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="45"/>
        <source>New rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="46"/>
        <source>Delete rule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="87"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="96"/>
        <source>Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="101"/>
        <source>Scale events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="164"/>
        <source>▲ %1 up · ▼ %2 down (last %3 events)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="176"/>
        <source>Delete rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="177"/>
        <source>Delete the rule “%1”? The endpoint keeps its current replicas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscaleview.cpp" line="178"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::CreateEndpointDialog</name>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="41"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="46"/>
        <source>Public: anyone who reaches the proxy may call it, no token needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="47"/>
        <location filename="../ui/createendpointdialog.cpp" line="133"/>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="48"/>
        <source>Deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="53"/>
        <source>New endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="68"/>
        <source>lower-case letters, digits and &apos;-&apos;, e.g. sentiment-analyzer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="69"/>
        <source>e.g. v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="70"/>
        <source>a folder, or the name of one under the model roots (iris-v1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="74"/>
        <source> cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="81"/>
        <source> GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="89"/>
        <location filename="../ui/createendpointdialog.cpp" line="107"/>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="92"/>
        <location filename="../ui/createendpointdialog.cpp" line="108"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="95"/>
        <location filename="../ui/createendpointdialog.cpp" line="109"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="99"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="100"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="101"/>
        <location filename="../ui/createendpointdialog.cpp" line="196"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="102"/>
        <location filename="../ui/createendpointdialog.cpp" line="110"/>
        <source>Per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="103"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="110"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="110"/>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="124"/>
        <source>Resource estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="139"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="189"/>
        <source>Check the endpoint before deploying it: the check finds every problem and estimates the resources it takes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="210"/>
        <source>No problems found. Replicas to start: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="212"/>
        <source>Model %1 from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="217"/>
        <source>Fix these problems before deploying:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/createendpointdialog.cpp" line="261"/>
        <source>The endpoint was not created:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::DisplayFormat</name>
    <message>
        <location filename="../ui/displayformat.cpp" line="46"/>
        <source>exit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/displayformat.cpp" line="53"/>
        <source>%1 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/displayformat.cpp" line="55"/>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/displayformat.cpp" line="57"/>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/displayformat.cpp" line="58"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointDetailView</name>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="148"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="150"/>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="160"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="162"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="163"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="166"/>
        <source>Routes by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="173"/>
        <source>Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="174"/>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="177"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="179"/>
        <source>p95 latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="182"/>
        <location filename="../ui/endpointdetailview.cpp" line="531"/>
        <source>Replica CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="184"/>
        <source>%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="185"/>
        <location filename="../ui/endpointdetailview.cpp" line="533"/>
        <source>Replica memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="187"/>
        <source>MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="189"/>
        <source>Traffic split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="518"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="531"/>
        <source>Replica CPU (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="532"/>
        <source>Replica memory (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="541"/>
        <source>No endpoint selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="548"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="550"/>
        <source>%1 req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointdetailview.cpp" line="552"/>
        <source>p95 %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="162"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="202"/>
        <source>Requests per second, last %1 samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="227"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="230"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="243"/>
        <source>Requests per second over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="245"/>
        <source>95th percentile latency over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="247"/>
        <source>Share of requests that failed over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="256"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="258"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="260"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="262"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="264"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="266"/>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="268"/>
        <source>Req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="270"/>
        <source>p95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="272"/>
        <source>Error rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="274"/>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointSelector</name>
    <message>
        <location filename="../ui/endpointselector.cpp" line="58"/>
        <source>All endpoints</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorBrowserView</name>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="59"/>
        <source>Clear errors…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="66"/>
        <source>All types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="69"/>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="70"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="71"/>
        <source>Last day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="72"/>
        <source>Search messages and logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="74"/>
        <source>Clear the shown endpoint&apos;s errors; its retry counter resets so scaling resumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="129"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="130"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="131"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="132"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="133"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="142"/>
        <source>No log output was captured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="144"/>
        <source>Log tail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="174"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="183"/>
        <source>Select an error to see its exit status and log tail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="190"/>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="194"/>
        <source>replica %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="196"/>
        <source>route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="197"/>
        <source>the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="199"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="201"/>
        <source>none recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="228"/>
        <source>Clear the errors of every endpoint?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="229"/>
        <source>Clear every error of %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="230"/>
        <location filename="../ui/errorbrowserview.cpp" line="232"/>
        <source>Clear errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorbrowserview.cpp" line="231"/>
        <source>Their retry counters reset, so scaling starts replicas again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorListModel</name>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="137"/>
        <source>Route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="177"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="179"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="181"/>
        <source>Replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="183"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="185"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="187"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errorlistmodel.cpp" line="189"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="101"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="185"/>
        <source>Search endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="129"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="112"/>
        <location filename="../ui/mainwindow.cpp" line="149"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="113"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <location filename="../ui/mainwindow.cpp" line="422"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="114"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="115"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Autoscaling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="116"/>
        <location filename="../ui/mainwindow.cpp" line="253"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="117"/>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="130"/>
        <source>Data: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="131"/>
        <source>API %1 · Proxy %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="238"/>
        <source>New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240"/>
        <source>Deploy a new endpoint (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="242"/>
        <source>Scale…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="243"/>
        <source>Set the selected endpoint&apos;s replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="245"/>
        <source>Modify…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="247"/>
        <source>Change the selected endpoint&apos;s version, resources, replicas or visibility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="249"/>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="251"/>
        <source>Delete the selected endpoint (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>Charts and traffic split of the selected endpoint (Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="257"/>
        <source>Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="262"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="265"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="270"/>
        <source>&amp;Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="278"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="289"/>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="399"/>
        <source>Delete endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="400"/>
        <source>Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="402"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="422"/>
        <source>Errors (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ModifyEndpointDialog</name>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="27"/>
        <source>Public (no token needed for inference)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="29"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="42"/>
        <source>Modify %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="70"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="71"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="72"/>
        <source>Canary share of the new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="73"/>
        <source>CPU per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="74"/>
        <source>Memory per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modifyendpointdialog.cpp" line="75"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RuleListModel</name>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="55"/>
        <source>Rule %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="64"/>
        <source>%1–%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="67"/>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="83"/>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="85"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="87"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="89"/>
        <source>Out / in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/rulelistmodel.cpp" line="91"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleDialog</name>
    <message>
        <location filename="../ui/scaledialog.cpp" line="20"/>
        <source>Scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaledialog.cpp" line="24"/>
        <source>Scale %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaledialog.cpp" line="35"/>
        <source>Desired replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaledialog.cpp" line="37"/>
        <source>Now %1; 0 scales the endpoint to zero.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ScaleEventModel</name>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="94"/>
        <source>Rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="101"/>
        <source>▲ UP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="101"/>
        <source>▼ DOWN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="106"/>
        <source>operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="107"/>
        <source>rule %1 (deleted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="126"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="128"/>
        <source>Direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="130"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="132"/>
        <source>Cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="134"/>
        <source>Metric value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/scaleeventmodel.cpp" line="136"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::SettingsDialog</name>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="57"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="58"/>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="59"/>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="60"/>
        <location filename="../ui/settingsdialog.cpp" line="64"/>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="65"/>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="66"/>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="68"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="82"/>
        <source>This build has no translation for that language.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenListModel</name>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="94"/>
        <source>Revoked %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="112"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="114"/>
        <source>any address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="120"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="122"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="124"/>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="139"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="141"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="143"/>
        <source>Issued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="145"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="147"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenlistmodel.cpp" line="149"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenView</name>
    <message>
        <location filename="../ui/tokenview.cpp" line="70"/>
        <source>Generate token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="73"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="74"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="77"/>
        <source>Revoke…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="91"/>
        <source>Inference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="92"/>
        <source>Send inference requests to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="93"/>
        <source>Read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="94"/>
        <source>Read the endpoint&apos;s status and metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="95"/>
        <source>Admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="96"/>
        <source>Everything, including changes to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="100"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="101"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="102"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="103"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="104"/>
        <source>never expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="109"/>
        <source>any address; or e.g. 10.0.0.0/8, 192.168.1.5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="116"/>
        <source>The new token appears here, once: it is not stored, so copy or export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="129"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="131"/>
        <source>Expires after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="133"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="140"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="145"/>
        <source>New token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="170"/>
        <source>Issued tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="176"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="242"/>
        <source>Issued token %1, valid until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="244"/>
        <source>Issued token %1; it never expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="254"/>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="260"/>
        <source>Export token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="273"/>
        <source>Written to %1 (readable by you only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="296"/>
        <source>Revoke token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="297"/>
        <source>Revoke token %1? Requests that carry it are refused from now on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokenview.cpp" line="299"/>
        <source>Revoke</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplit</name>
    <message>
        <location filename="../ui/trafficsplit.cpp" line="93"/>
        <source>%1 %2 %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TrafficSplitEditor</name>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="105"/>
        <source>Undo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="114"/>
        <source>Redo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="140"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="142"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="143"/>
        <source>Blue-green switch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="144"/>
        <source>Roll back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="217"/>
        <source>Undo: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="300"/>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="331"/>
        <source>%1 (revision %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="337"/>
        <source>%1 of %2 routes healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="339"/>
        <source>not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="341"/>
        <source>None of its routes is HEALTHY yet, so it takes no traffic whatever its weight.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="344"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="396"/>
        <source>Select an endpoint to see how its traffic is split.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="398"/>
        <source>No routes yet: the endpoint takes no traffic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="400"/>
        <source>All traffic goes to %1. Modify the endpoint with a new model version and scale it up to split traffic between two revisions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="411"/>
        <location filename="../ui/trafficspliteditor.cpp" line="423"/>
        <source>%1 is not ready: none of its routes is HEALTHY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="412"/>
        <source>All traffic to %1 at once; the other routes keep running for a roll back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="424"/>
        <source>All traffic back to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="460"/>
        <source>The endpoint&apos;s revisions changed; look again and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="465"/>
        <source>At least one revision needs a weight above 0, or nothing would serve.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="501"/>
        <source>The endpoint is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/trafficspliteditor.cpp" line="540"/>
        <source>none of those routes is left</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
