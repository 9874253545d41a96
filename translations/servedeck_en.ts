<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="57"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentListModel</name>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="20"/>
        <source>%1 CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="23"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="191"/>
        <source>Reserved by the routes placed on this agent: %1 of %2 CPU, %3 of %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="201"/>
        <source>local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="201"/>
        <source>remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="215"/>
        <source>%1 % (%2 cores)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="239"/>
        <source>GPU %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="241"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="245"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="269"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="271"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="273"/>
        <source>CPU cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="275"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="277"/>
        <source>GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="279"/>
        <source>Reserved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="281"/>
        <source>Utilization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="283"/>
        <source>Memory used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentlistmodel.cpp" line="285"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AgentsView</name>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="29"/>
        <source>This console runs no replicas, so it has no agents. Start it with replicas enabled, or let remote agents join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="67"/>
        <source>Endpoints reserve %1 of %2 CPU cores and %3 of %4 memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/agents/agentsview.cpp" line="71"/>
        <source>, %1 of %2 GPUs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::AutoscaleRuleForm</name>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="88"/>
        <source>A metric name starts with a letter or _ and holds letters, digits, _, : or .</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="90"/>
        <source>The step must not be 0: positive scales out, negative scales in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="92"/>
        <source>The target per replica must be greater than 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="94"/>
        <source>Max replicas must be at least 1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="96"/>
        <source>Min replicas (%1) is more than max replicas (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="100"/>
        <source>Delays and cooldown must not be negative.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="126"/>
        <source>Step by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="127"/>
        <source>Target per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="162"/>
        <source>Where the metric comes from: the replica&apos;s kernel (CPU, memory, GPU), the model server, the proxy in front of it, or a custom exporter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="177"/>
        <source>Positive scales out, negative scales in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="180"/>
        <source>Replicas become ceil(metric / target)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="183"/>
        <source>How long the condition must hold before scaling out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="184"/>
        <source>How long the condition must hold before scaling in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="185"/>
        <source>How long to wait after any change before the next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="212"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="214"/>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="217"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="219"/>
        <source>Then</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="224"/>
        <source>Min replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="226"/>
        <source>Max replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="229"/>
        <source>Scale-out delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="231"/>
        <source>Scale-in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="233"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="360"/>
        <source>&lt;metric&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="364"/>
        <source>Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="369"/>
        <source>Scale out by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="371"/>
        <source>Scale in by %1 when %2 for %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="373"/>
        <source>Keeps %1 to %2 replicas and waits %3 s after any change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="392"/>
        <source>New rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="393"/>
        <source>Edit rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="394"/>
        <source>Create rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="394"/>
        <source>Save rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="394"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleruleform.cpp" line="439"/>
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
        <location filename="../ui/autoscale/autoscaleview.cpp" line="177"/>
        <source>Delete rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="178"/>
        <source>Delete the rule “%1”? The endpoint keeps its current replicas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/autoscaleview.cpp" line="179"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::CreateEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="43"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="48"/>
        <source>Public: anyone who reaches the proxy may call it, no token needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="49"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="138"/>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="50"/>
        <source>Deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="56"/>
        <source>New endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="73"/>
        <source>lower-case letters, digits and &apos;-&apos;, e.g. sentiment-analyzer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="74"/>
        <source>e.g. v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="75"/>
        <source>a folder, or the name of one under the model roots (iris-v1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="79"/>
        <source> cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="86"/>
        <source> GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="94"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="112"/>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="97"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="113"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="100"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="114"/>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="104"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="105"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="106"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="203"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="107"/>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="115"/>
        <source>Per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="108"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="115"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="115"/>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="129"/>
        <source>Resource estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="144"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="196"/>
        <source>Check the endpoint before deploying it: the check finds every problem and estimates the resources it takes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="225"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="247"/>
        <source>No problems found. Replicas to start: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="249"/>
        <source>Model %1 from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="254"/>
        <source>Fix these problems before deploying:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="293"/>
        <source>Deploying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/createendpointdialog.cpp" line="306"/>
        <source>The endpoint was not created:</source>
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
        <location filename="../ui/detail/endpointdetailview.cpp" line="144"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="146"/>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="156"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="158"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="159"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="162"/>
        <source>Routes by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="169"/>
        <source>Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="170"/>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="173"/>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="175"/>
        <source>p95 latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="178"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="528"/>
        <source>Replica CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="180"/>
        <source>%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="181"/>
        <location filename="../ui/detail/endpointdetailview.cpp" line="530"/>
        <source>Replica memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="183"/>
        <source>MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="185"/>
        <source>Traffic split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="515"/>
        <source>%1 GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="528"/>
        <source>Replica CPU (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="529"/>
        <source>Replica memory (%1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="538"/>
        <source>No endpoint selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="545"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="547"/>
        <source>%1 req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/endpointdetailview.cpp" line="549"/>
        <source>p95 %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="170"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="210"/>
        <source>Requests per second, last %1 samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="235"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="238"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="251"/>
        <source>Requests per second over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="253"/>
        <source>95th percentile latency over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="255"/>
        <source>Share of requests that failed over the last sample interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="264"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="266"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="268"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="270"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="272"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="274"/>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="276"/>
        <source>Req/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="278"/>
        <source>p95</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="280"/>
        <source>Error rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/endpointlistmodel.cpp" line="282"/>
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
        <location filename="../ui/errors/errorbrowserview.cpp" line="60"/>
        <source>Clear errors…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="67"/>
        <source>All types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="70"/>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="71"/>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="72"/>
        <source>Last day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="73"/>
        <source>Search messages and logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="75"/>
        <source>Clear the shown endpoint&apos;s errors; its retry counter resets so scaling resumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="130"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="131"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="132"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="133"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="134"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="143"/>
        <source>No log output was captured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="145"/>
        <source>Log tail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="175"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="184"/>
        <source>Select an error to see its exit status and log tail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="191"/>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="195"/>
        <source>replica %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="197"/>
        <source>route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="198"/>
        <source>the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="200"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="202"/>
        <source>none recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="229"/>
        <source>Clear the errors of every endpoint?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="230"/>
        <source>Clear every error of %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="231"/>
        <location filename="../ui/errors/errorbrowserview.cpp" line="233"/>
        <source>Clear errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorbrowserview.cpp" line="232"/>
        <source>Their retry counters reset, so scaling starts replicas again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ErrorListModel</name>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="158"/>
        <source>Route %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="198"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="200"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="202"/>
        <source>Replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="204"/>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="206"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="208"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/errors/errorlistmodel.cpp" line="210"/>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="117"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="202"/>
        <source>Search endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="146"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="128"/>
        <location filename="../ui/mainwindow.cpp" line="166"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <source>Endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="129"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <location filename="../ui/mainwindow.cpp" line="445"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="130"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="131"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <source>Autoscaling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="132"/>
        <location filename="../ui/mainwindow.cpp" line="270"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="133"/>
        <location filename="../ui/mainwindow.cpp" line="296"/>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="147"/>
        <source>Data: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="148"/>
        <source>API %1 · Proxy %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="257"/>
        <source>Deploy a new endpoint (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="259"/>
        <source>Scale…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="260"/>
        <source>Set the selected endpoint&apos;s replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="262"/>
        <source>Modify…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="264"/>
        <source>Change the selected endpoint&apos;s version, resources, replicas or visibility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="266"/>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="268"/>
        <source>Delete the selected endpoint (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="272"/>
        <source>Charts and traffic split of the selected endpoint (Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="274"/>
        <source>Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="282"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="287"/>
        <source>&amp;Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="295"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="306"/>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="419"/>
        <source>Delete endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="420"/>
        <source>Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="422"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="445"/>
        <source>Errors (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::ModifyEndpointDialog</name>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="28"/>
        <source>Public (no token needed for inference)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="30"/>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="31"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="33"/>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="97"/>
        <source>Modify %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="56"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="57"/>
        <source>Model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="58"/>
        <source>Canary share of the new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="59"/>
        <source>CPU per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="60"/>
        <source>Memory per replica</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpoints/modifyendpointdialog.cpp" line="61"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::RuleListModel</name>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="69"/>
        <source>Rule %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="78"/>
        <source>%1–%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="81"/>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="97"/>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="99"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="101"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="103"/>
        <source>Out / in delay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/rulelistmodel.cpp" line="105"/>
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
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="121"/>
        <source>Rule %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="128"/>
        <source>▲ UP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="128"/>
        <source>▼ DOWN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="133"/>
        <source>operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="134"/>
        <source>rule %1 (deleted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="153"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="155"/>
        <source>Direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="157"/>
        <source>Replicas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="159"/>
        <source>Cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="161"/>
        <source>Metric value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/autoscale/scaleeventmodel.cpp" line="163"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::SettingsDialog</name>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="58"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="59"/>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="60"/>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="61"/>
        <location filename="../ui/common/settingsdialog.cpp" line="65"/>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="66"/>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="67"/>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="69"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/common/settingsdialog.cpp" line="83"/>
        <source>This build has no translation for that language.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenListModel</name>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="108"/>
        <source>Revoked %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="126"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="128"/>
        <source>any address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="134"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="136"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="138"/>
        <source>revoked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="153"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="155"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="157"/>
        <source>Issued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="159"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="161"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenlistmodel.cpp" line="163"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::TokenView</name>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="71"/>
        <location filename="../ui/tokens/tokenview.cpp" line="251"/>
        <source>Generate token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="74"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="75"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="78"/>
        <source>Revoke…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="92"/>
        <source>Inference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="93"/>
        <source>Send inference requests to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="94"/>
        <source>Read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="95"/>
        <source>Read the endpoint&apos;s status and metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="96"/>
        <source>Admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="97"/>
        <source>Everything, including changes to the endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="101"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="102"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="103"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="104"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="105"/>
        <source>never expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="110"/>
        <source>any address; or e.g. 10.0.0.0/8, 192.168.1.5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="117"/>
        <source>The new token appears here, once: it is not stored, so copy or export it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="130"/>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="132"/>
        <source>Expires after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="134"/>
        <source>Allowed IPs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="141"/>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="146"/>
        <source>New token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="171"/>
        <source>Issued tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="177"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="233"/>
        <source>Generating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="265"/>
        <source>Issued token %1, valid until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="267"/>
        <source>Issued token %1; it never expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="276"/>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="282"/>
        <source>Export token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="295"/>
        <source>Written to %1 (readable by you only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="318"/>
        <source>Revoke token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="319"/>
        <source>Revoke token %1? Requests that carry it are refused from now on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/tokens/tokenview.cpp" line="321"/>
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
        <location filename="../ui/detail/trafficspliteditor.cpp" line="106"/>
        <source>Undo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="115"/>
        <source>Redo failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="140"/>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="142"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="143"/>
        <source>Blue-green switch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="144"/>
        <source>Roll back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="217"/>
        <source>Undo: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="300"/>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="331"/>
        <source>%1 (revision %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="337"/>
        <source>%1 of %2 routes healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="339"/>
        <source>not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="341"/>
        <source>None of its routes is HEALTHY yet, so it takes no traffic whatever its weight.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="344"/>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="396"/>
        <source>Select an endpoint to see how its traffic is split.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="398"/>
        <source>No routes yet: the endpoint takes no traffic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="400"/>
        <source>All traffic goes to %1. Modify the endpoint with a new model version and scale it up to split traffic between two revisions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="411"/>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="423"/>
        <source>%1 is not ready: none of its routes is HEALTHY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="412"/>
        <source>All traffic to %1 at once; the other routes keep running for a roll back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="424"/>
        <source>All traffic back to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="460"/>
        <source>The endpoint&apos;s revisions changed; look again and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="465"/>
        <source>At least one revision needs a weight above 0, or nothing would serve.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="501"/>
        <source>The endpoint is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/detail/trafficspliteditor.cpp" line="556"/>
        <source>none of those routes is left</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
