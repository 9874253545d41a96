// Each preset's metric map read on a recorded sample of its runtime's /metrics text (real metric
// lines, HELP and TYPE included, with the runtime's labels): the normalized names give what the
// runtime means by them, and its own names still read as themselves.
#include <QTest>

#include "domain/autoscalingrule.h"
#include "runtime/runtimemetricmap.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// vLLM 0.8+ with two data-parallel engines; it still exports the deprecated KV name beside the
// new one (a different value here, so which one is read shows).
const char kVllm[] = R"(# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
vllm:num_requests_running{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 5.0
vllm:num_requests_waiting{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 2.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.42
vllm:kv_cache_usage_perc{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.61
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.1
# HELP vllm:request_queue_time_seconds Histogram of time spent in WAITING phase for request.
# TYPE vllm:request_queue_time_seconds histogram
vllm:request_queue_time_seconds_bucket{engine="0",le="0.3",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
)";

// vLLM 0.5: the KV-cache usage under its old name only; a model name holding a brace.
const char kVllmOld[] = R"(# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="odd}name"} 2.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="odd}name"} 4.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="odd}name"} 0.3
)";

const char kLlamaCpp[] = R"(# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 1024
# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.
# TYPE llamacpp:kv_cache_usage_ratio gauge
llamacpp:kv_cache_usage_ratio 0.25
# HELP llamacpp:kv_cache_tokens KV-cache tokens.
# TYPE llamacpp:kv_cache_tokens gauge
llamacpp:kv_cache_tokens 512
# HELP llamacpp:requests_processing Number of request processing.
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 2
# HELP llamacpp:requests_deferred Number of request deferred.
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 1
)";

const char kTgi[] = R"(# TYPE tgi_queue_size gauge
tgi_queue_size 3
# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 8
# TYPE tgi_batch_current_max_tokens gauge
tgi_batch_current_max_tokens 4096
# TYPE tgi_request_count counter
tgi_request_count 57
)";

const char kTriton[] = R"(# HELP nv_inference_request_success Number of successful inference requests, all batch sizes
# TYPE nv_inference_request_success counter
nv_inference_request_success{model="classifier",version="1"} 210
# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting execution per-model.
# TYPE nv_inference_pending_request_count gauge
nv_inference_pending_request_count{model="classifier",version="1"} 3
nv_inference_pending_request_count{model="tokenizer",version="1"} 2
# HELP nv_inference_queue_duration_us Cumulative inference queuing duration in microseconds (includes cached requests)
# TYPE nv_inference_queue_duration_us counter
nv_inference_queue_duration_us{model="classifier",version="1"} 18843
nv_inference_queue_duration_us{model="tokenizer",version="1"} 157
)";

const char kSglang[] = R"(# HELP sglang:num_running_reqs The number of running requests.
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{model_name="Qwen/Qwen2.5-7B-Instruct"} 4.0
# HELP sglang:num_used_tokens The number of used tokens.
# TYPE sglang:num_used_tokens gauge
sglang:num_used_tokens{model_name="Qwen/Qwen2.5-7B-Instruct"} 12288.0
# HELP sglang:token_usage The token usage.
# TYPE sglang:token_usage gauge
sglang:token_usage{model_name="Qwen/Qwen2.5-7B-Instruct"} 0.35
# HELP sglang:num_queue_reqs The number of requests in the waiting queue.
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{model_name="Qwen/Qwen2.5-7B-Instruct"} 6.0
)";

// NIM for LLMs: vLLM's gauges without the prefix, at /v1/metrics.
const char kNim[] = R"(# HELP num_requests_running Number of requests currently running on GPU.
# TYPE num_requests_running gauge
num_requests_running{model_name="meta/llama3-8b-instruct"} 2.0
# HELP num_requests_waiting Number of requests waiting to be processed.
# TYPE num_requests_waiting gauge
num_requests_waiting{model_name="meta/llama3-8b-instruct"} 9.0
# HELP num_request_max Max number of concurrently running requests.
# TYPE num_request_max gauge
num_request_max{model_name="meta/llama3-8b-instruct"} 256.0
# HELP gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE gpu_cache_usage_perc gauge
gpu_cache_usage_perc{model_name="meta/llama3-8b-instruct"} 0.75
)";

constexpr double kNone = -1;  // the runtime has no such metric

std::optional<double> expected(double value)
{
    return value == kNone ? std::nullopt : std::optional<double>(value);
}

} // namespace

class TestRuntimeMetricMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachRuntimeReadsAsNormalized_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<double>("queueDepth");
        QTest::addColumn<double>("running");
        QTest::addColumn<double>("kvCache");
        QTest::addColumn<QString>("ownName");  // a runtime name of queue_depth, read as itself
        QTest::addColumn<double>("ownValue");

        // Counts add up over engines; usage is the fullest engine's, under the newer name.
        QTest::newRow("vllm") << u"vllm"_s << QByteArray(kVllm) << 7.0 << 4.0 << 0.61
                              << u"vllm:num_requests_waiting"_s << 7.0;
        QTest::newRow("vllm, older") << u"vllm"_s << QByteArray(kVllmOld) << 4.0 << 2.0 << 0.3
                                     << u"vllm:gpu_cache_usage_perc"_s << 0.3;
        QTest::newRow("llama.cpp") << u"llama-cpp"_s << QByteArray(kLlamaCpp) << 1.0 << 2.0 << 0.25
                                   << u"llamacpp:requests_deferred"_s << 1.0;
        QTest::newRow("tgi") << u"huggingface-tgi"_s << QByteArray(kTgi) << 3.0 << 8.0 << kNone
                             << u"tgi_queue_size"_s << 3.0;
        QTest::newRow("triton") << u"triton"_s << QByteArray(kTriton) << 5.0 << kNone << kNone
                                << u"nv_inference_queue_duration_us"_s << 19000.0;
        QTest::newRow("sglang") << u"sglang"_s << QByteArray(kSglang) << 6.0 << 4.0 << 0.35
                                << u"sglang:num_queue_reqs"_s << 6.0;
        QTest::newRow("nim") << u"nim"_s << QByteArray(kNim) << 9.0 << 2.0 << 0.75
                             << u"num_requests_waiting"_s << 9.0;
        // A folder with its own start command may run any of them: every preset's names apply.
        QTest::newRow("cmd running vLLM") << u"cmd"_s << QByteArray(kVllm) << 7.0 << 4.0 << 0.61
                                          << u"vllm:num_requests_running"_s << 4.0;
        QTest::newRow("custom running llama.cpp") << u"custom"_s << QByteArray(kLlamaCpp) << 1.0 << 2.0 << 0.25
                                                  << u"llamacpp:kv_cache_tokens"_s << 512.0;
        QTest::newRow("ollama") << u"ollama"_s << QByteArray("# nothing\n") << kNone << kNone << kNone
                                << u"ollama_requests"_s << kNone;
    }

    void eachRuntimeReadsAsNormalized()
    {
        QFETCH(QString, variant);
        QFETCH(QByteArray, text);
        QFETCH(double, queueDepth);
        QFETCH(double, running);
        QFETCH(double, kvCache);
        QFETCH(QString, ownName);
        QFETCH(double, ownValue);

        const RuntimeMetricMap map = RuntimeMetricMap::forVariant(variant);
        QCOMPARE(map.read(text, u"queue_depth"_s), expected(queueDepth));
        QCOMPARE(map.read(text, u"running_requests"_s), expected(running));
        QCOMPARE(map.read(text, u"kv_cache_usage"_s), expected(kvCache));
        QCOMPARE(map.read(text, ownName), expected(ownValue));
    }

    void everyPresetNamesItsMetricsOrSaysWhyNot()
    {
        for (const RuntimePreset &preset : RuntimePreset::all()) {
            if (preset.metrics.isEmpty()) {
                QVERIFY2(!preset.metricsNote.isEmpty(), qPrintable(preset.variant));
                continue;
            }
            const RuntimeMetricMap map(preset.metrics);
            QVERIFY2(map.namesFor(u"queue_depth"_s) != QStringList{u"queue_depth"_s}, qPrintable(preset.variant));
        }
        QVERIFY(RuntimeMetricMap::forVariant(u"ollama"_s).metrics().isEmpty());
        QCOMPARE(RuntimePreset::find(u"nim"_s)->metricsPath, u"/v1/metrics"_s);
        // Any other name is read as itself.
        QCOMPARE(RuntimeMetricMap::forVariant(u"vllm"_s).namesFor(u"vllm:num_preemptions_total"_s),
                 QStringList{u"vllm:num_preemptions_total"_s});
    }

    void replicasCombineByKind()
    {
        const RuntimeMetricMap map = RuntimeMetricMap::forVariant(u"vllm"_s);
        QCOMPARE(map.combine(u"queue_depth"_s, 3, 4), 7.0);
        QCOMPARE(map.combine(u"running_requests"_s, 3, 4), 7.0);
        QCOMPARE(map.combine(u"kv_cache_usage"_s, 0.9, 0.2), 0.9);
        QCOMPARE(map.combine(u"vllm:kv_cache_usage_perc"_s, 0.2, 0.9), 0.9);  // its own name: a usage too
    }

    void malformedLinesAreSkipped()
    {
        const RuntimeMetricMap map = RuntimeMetricMap::forVariant(u"vllm"_s);
        QCOMPARE(map.read("vllm:num_requests_waiting{model_name=\"a\" 5\n", u"queue_depth"_s), std::nullopt);
        QCOMPARE(map.read("vllm:num_requests_waiting NaN\nvllm:num_requests_waiting{x=\"1\"} 2\n", u"queue_depth"_s),
                 std::optional<double>(2));
        QCOMPARE(map.read("vllm:num_requests_waiting_extra 9\n", u"queue_depth"_s), std::nullopt);
        QCOMPARE(map.read("", u"queue_depth"_s), std::nullopt);
    }

    void normalizedNamesComeFromTheRuntime()
    {
        for (const QString &name : RuntimeMetricMap::normalizedNames())
            QCOMPARE(defaultSourceFor(name), MetricSource::InferenceFramework);
        QCOMPARE(defaultSourceFor(u"requests_per_second"_s), MetricSource::Proxy);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeMetricMap)
#include "test_runtimemetricmap.moc"
