#include "runtimepreset.h"

#include <algorithm>

namespace ServeDeck {

namespace {

// Probed every 10 s once ready; three misses in a row make it unhealthy. While it starts, the
// preset's start timeout applies instead (loading weights is not a failure).
HealthCheckConfig health(const QString &path)
{
    HealthCheckConfig h;
    h.path = path;
    h.interval = 10.0;
    h.maxRetries = 3;
    h.maxWaitTime = 5.0;
    h.expectedStatusCode = 200;
    h.initialDelay = 0.0;
    return h;
}

RuntimeMetric metric(const char *normalized, std::initializer_list<const char *> names)
{
    RuntimeMetric m{QString::fromLatin1(normalized), {}};
    for (const char *name : names)
        m.names << QString::fromLatin1(name);
    return m;
}

QList<RuntimePreset> makePresets()
{
    const QString port = QStringLiteral("$PORT");
    const QString folder = QStringLiteral("{folder}");
    const QString gpus = QStringLiteral("{gpus}");
    // Hugging Face layout: the weights as safetensors next to config.json.
    const QStringList hfLayout{QStringLiteral("config.json"), QStringLiteral("*.safetensors")};
    const QList<RuntimeMetric> vllmMetrics{
        metric("queue_depth", {"vllm:num_requests_waiting"}),
        metric("running_requests", {"vllm:num_requests_running"}),
        metric("kv_cache_usage", {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"})};

    QList<RuntimePreset> presets;

    RuntimePreset vllm;
    vllm.variant = QStringLiteral("vllm");
    vllm.title = QStringLiteral("vLLM");
    vllm.command = {QStringLiteral("vllm"), QStringLiteral("serve"), folder, QStringLiteral("--port"), port};
    vllm.portFlag = QStringLiteral("--port");
    vllm.gpuArguments = {QStringLiteral("--tensor-parallel-size"), gpus};
    // vLLM takes 90% of the device unless told its share: two small models could not share one.
    vllm.gpuMemoryArguments = {QStringLiteral("--gpu-memory-utilization"), QStringLiteral("{gpu_memory_fraction}")};
    vllm.servedNameArguments = {QStringLiteral("--served-model-name"), QStringLiteral("{name}")};
    vllm.healthCheck = health(QStringLiteral("/health"));
    vllm.startTimeoutS = 1800;  // a 70B model's weights take minutes to load and compile
    vllm.requiredFiles = hfLayout;
    vllm.metrics = vllmMetrics;
    presets << vllm;

    RuntimePreset llama;
    llama.variant = QStringLiteral("llama-cpp");
    llama.title = QStringLiteral("llama.cpp");
    llama.command = {QStringLiteral("llama-server"), QStringLiteral("-m"), QStringLiteral("{gguf}"),
                     QStringLiteral("--port"), port, QStringLiteral("--metrics")};
    llama.portFlag = QStringLiteral("--port");
    llama.gpuArguments = {QStringLiteral("--n-gpu-layers"), QStringLiteral("999")};  // all layers on the GPU
    llama.servedNameArguments = {QStringLiteral("--alias"), QStringLiteral("{name}")};
    llama.healthCheck = health(QStringLiteral("/health"));
    llama.loadingStatusCode = 503;  // "Loading model"
    llama.startTimeoutS = 900;
    llama.requiredFiles = {QStringLiteral("*.gguf")};
    llama.metrics = {metric("queue_depth", {"llamacpp:requests_deferred"}),
                     metric("running_requests", {"llamacpp:requests_processing"}),
                     metric("kv_cache_usage", {"llamacpp:kv_cache_usage_ratio"})};
    presets << llama;

    RuntimePreset tgi;
    tgi.variant = QStringLiteral("huggingface-tgi");
    tgi.title = QStringLiteral("Hugging Face TGI");
    tgi.command = {QStringLiteral("text-generation-launcher"), QStringLiteral("--model-id"), folder,
                   QStringLiteral("--port"), port};
    tgi.portFlag = QStringLiteral("--port");
    tgi.gpuArguments = {QStringLiteral("--num-shard"), gpus};
    tgi.healthCheck = health(QStringLiteral("/health"));
    tgi.loadingStatusCode = 503;
    tgi.startTimeoutS = 1800;
    tgi.requiredFiles = hfLayout;
    tgi.metrics = {metric("queue_depth", {"tgi_queue_size"}), metric("running_requests", {"tgi_batch_current_size"})};
    presets << tgi;

    RuntimePreset triton;
    triton.variant = QStringLiteral("triton");
    triton.title = QStringLiteral("Triton Inference Server");
    // HTTP, gRPC and metrics each on a port of its own, all handed out by the agent; the
    // sampler reads metrics from the metrics port.
    triton.command = {QStringLiteral("tritonserver"), QStringLiteral("--model-repository={folder}"),
                      QStringLiteral("--http-port"),  port,
                      QStringLiteral("--grpc-port"),  QStringLiteral("$GRPC_PORT"),
                      QStringLiteral("--metrics-port"), QStringLiteral("$METRICS_PORT")};
    triton.extraPorts = {QStringLiteral("GRPC_PORT"), QStringLiteral("METRICS_PORT")};
    triton.metricsPort = QStringLiteral("METRICS_PORT");
    triton.portFlag = QStringLiteral("--http-port");
    triton.healthCheck = health(QStringLiteral("/v2/health/ready"));
    triton.loadingStatusCode = 400;  // not ready while its models load
    triton.startTimeoutS = 900;
    // A model repository: <model>/config.pbtxt and a numbered version directory.
    triton.requiredFiles = {QStringLiteral("*/config.pbtxt"), QStringLiteral("*/[0-9]*")};
    triton.metrics = {metric("queue_depth", {"nv_inference_pending_request_count"}),
                      metric("queue_duration_us", {"nv_inference_queue_duration_us"})};
    presets << triton;

    RuntimePreset sglang;
    sglang.variant = QStringLiteral("sglang");
    sglang.title = QStringLiteral("SGLang");
    sglang.command = {QStringLiteral("python3"),       QStringLiteral("-m"),     QStringLiteral("sglang.launch_server"),
                      QStringLiteral("--model-path"), folder,                    QStringLiteral("--port"),
                      port,                            QStringLiteral("--enable-metrics")};
    sglang.portFlag = QStringLiteral("--port");
    sglang.gpuArguments = {QStringLiteral("--tp"), gpus};
    sglang.servedNameArguments = {QStringLiteral("--served-model-name"), QStringLiteral("{name}")};
    sglang.healthCheck = health(QStringLiteral("/health"));
    sglang.loadingStatusCode = 503;
    sglang.startTimeoutS = 1800;
    sglang.requiredFiles = hfLayout;
    sglang.metrics = {metric("queue_depth", {"sglang:num_queue_reqs"}),
                      metric("running_requests", {"sglang:num_running_reqs"}),
                      metric("kv_cache_usage", {"sglang:token_usage"})};
    presets << sglang;

    RuntimePreset nim;
    nim.variant = QStringLiteral("nim");
    nim.title = QStringLiteral("NVIDIA NIM");
    // NIM's entrypoint action; what follows goes to its vLLM backend. It takes the model and the
    // port from the environment.
    nim.command = {QStringLiteral("nim-serve")};
    nim.environment = {{QStringLiteral("NIM_MODEL_PATH"), folder}, {QStringLiteral("NIM_SERVER_PORT"), port},
                       {QStringLiteral("NIM_SERVED_MODEL_NAME"), QStringLiteral("{name}")}};
    nim.gpuArguments = {QStringLiteral("--tensor-parallel-size"), gpus};
    nim.healthCheck = health(QStringLiteral("/v1/health/ready"));
    nim.loadingStatusCode = 503;
    nim.startTimeoutS = 1800;
    nim.requiredFiles = hfLayout;
    // NIM names them without vLLM's prefix and serves them under /v1 (newer ones keep vLLM's names).
    nim.metrics = {metric("queue_depth", {"num_requests_waiting", "vllm:num_requests_waiting"}),
                   metric("running_requests", {"num_requests_running", "vllm:num_requests_running"}),
                   metric("kv_cache_usage",
                          {"gpu_cache_usage_perc", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"})};
    nim.metricsPath = QStringLiteral("/v1/metrics");
    presets << nim;

    RuntimePreset ollama;
    ollama.variant = QStringLiteral("ollama");
    ollama.title = QStringLiteral("Ollama");
    ollama.command = {QStringLiteral("ollama"), QStringLiteral("serve")};
    ollama.environment = {{QStringLiteral("OLLAMA_HOST"), QStringLiteral("127.0.0.1:$PORT")},
                          {QStringLiteral("OLLAMA_MODELS"), folder}};
    ollama.healthCheck = health(QStringLiteral("/"));
    ollama.readyBody = QStringLiteral("Ollama is running");
    ollama.startTimeoutS = 120;  // it loads models on first use, not at start
    ollama.requiredFiles = {QStringLiteral("manifests"), QStringLiteral("blobs")};
    ollama.metricsNote = QStringLiteral("Ollama exports no Prometheus metrics: rules can use the proxy's own");
    presets << ollama;

    return presets;
}

} // namespace

const QList<RuntimePreset> &RuntimePreset::all()
{
    static const QList<RuntimePreset> presets = makePresets();
    return presets;
}

std::optional<RuntimePreset> RuntimePreset::find(const QString &variant)
{
    const QList<RuntimePreset> &presets = all();
    const auto it = std::find_if(presets.cbegin(), presets.cend(), [&](const RuntimePreset &p) { return p.variant == variant; });
    if (it == presets.cend())
        return std::nullopt;
    return *it;
}

QStringList RuntimePreset::variants()
{
    QStringList names{QStringLiteral("custom"), QStringLiteral("cmd")};
    for (const RuntimePreset &p : all())
        names << p.variant;
    return names;
}

} // namespace ServeDeck
