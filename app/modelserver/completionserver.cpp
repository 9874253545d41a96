#include "completionserver.h"

#include <algorithm>
#include <array>
#include <utility>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include "http/httpresponsestream.h"

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// Request bodies past this are refused before they are read: a long chat fits many times over.
constexpr qsizetype kMaxBodyBytes = 256 * 1024;
// Waiting requests past this are refused (503): a flood must not grow the queue without bound.
constexpr std::size_t kMaxWaiting = 1024;
// The KV cache holds this many tokens per sequence slot; usage is what running requests hold of it.
constexpr int kKvTokensPerSeq = 2048;
// Filler text, one word per token, so that a client sees words arrive.
constexpr std::array kWords{"the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "and",
                            "then", "rests", "in", "warm", "sun", "."};

HttpResponse openAiError(const OpenAiError &error)
{
    return HttpResponse::json(error.status, QJsonDocument(error.toJson()));
}

HttpResponse bodyTooLarge()
{
    OpenAiError error;
    error.status = 413;
    error.message = u"The request body is larger than %1 bytes."_s.arg(kMaxBodyBytes);
    return openAiError(error);
}

HttpResponse methodNotAllowed(const QByteArray &path, QByteArray allowed)
{
    OpenAiError error;
    error.status = 405;
    error.message = u"%1 accepts %2 only"_s.arg(QString::fromUtf8(path), QString::fromLatin1(allowed));
    HttpResponse response = openAiError(error);
    response.headers.emplaceBack(QByteArrayLiteral("Allow"), std::move(allowed));
    return response;
}

QByteArray sseEvent(const QJsonObject &object)
{
    return "data: " + QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n\n";
}

} // namespace

struct CompletionServer::Generation
{
    CompletionRequest request;
    std::shared_ptr<HttpResponseStream> stream;
    QString id;
    qint64 created = 0;
    int produced = 0;
    QString text;
    QTimer timer;
};

CompletionServer::CompletionServer(OpenAiOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_created(QDateTime::currentSecsSinceEpoch())
    , m_server([this](const HttpRequest &request) { return handle(request); })
{
    // The server's own cap sits above ours, so that what passes it is refused in OpenAI's shape
    // here: an announced length before the body is read, a chunked body once it is. Only a
    // chunked body past twice the size meets the server's generic 413.
    HttpServer::Limits limits = m_server.limits();
    limits.maxBodyBytes = 2 * kMaxBodyBytes;
    m_server.setLimits(limits);
    m_server.setHeadCheck([](const HttpRequest &head) -> std::optional<HttpResponse> {
        bool ok = false;
        const qint64 length = head.header("Content-Length").toLongLong(&ok);
        if (!ok || length <= kMaxBodyBytes)
            return std::nullopt;
        return bodyTooLarge();
    });
}

CompletionServer::~CompletionServer()
{
    m_server.close();  // detaches every stream before the generations go
}

bool CompletionServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

HttpResponse CompletionServer::handle(const HttpRequest &request)
{
    const bool isGet = request.method == "GET" || request.method == "HEAD";
    const bool isPost = request.method == "POST";
    if (request.path == "/v1/completions")
        return isPost ? complete(CompletionRequest::Kind::Completion, request) : methodNotAllowed(request.path, "POST");
    if (request.path == "/v1/chat/completions")
        return isPost ? complete(CompletionRequest::Kind::Chat, request) : methodNotAllowed(request.path, "POST");
    if (request.path == "/v1/models")
        return isGet ? models() : methodNotAllowed(request.path, "GET, HEAD");
    if (request.path == "/health")
        return isGet ? HttpResponse::text(200, {}) : methodNotAllowed(request.path, "GET, HEAD");
    if (request.path == "/metrics") {
        return isGet ? HttpResponse::text(200, metrics(), "text/plain; version=0.0.4; charset=utf-8")
                     : methodNotAllowed(request.path, "GET, HEAD");
    }
    OpenAiError error;
    error.status = 404;
    error.message = u"no such route (try POST /v1/completions, POST /v1/chat/completions, GET /v1/models, "
                    "GET /health, GET /metrics)"_s;
    return openAiError(error);
}

HttpResponse CompletionServer::models() const
{
    const QJsonObject model{
        {u"id"_s, m_options.modelName},
        {u"object"_s, u"model"_s},
        {u"created"_s, m_created},
        {u"owned_by"_s, u"servedeck"_s},
        {u"max_model_len"_s, kKvTokensPerSeq},
    };
    return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"object"_s, u"list"_s},
                                                             {u"data"_s, QJsonArray{model}}}));
}

HttpResponse CompletionServer::complete(CompletionRequest::Kind kind, const HttpRequest &request)
{
    if (request.body.size() > kMaxBodyBytes)
        return bodyTooLarge();
    OpenAiError error;
    std::optional<CompletionRequest> parsed = CompletionRequest::parse(kind, request.body, m_options.modelName, &error);
    if (!parsed)
        return openAiError(error);
    if (m_waiting.size() >= kMaxWaiting) {
        error.status = 503;
        error.type = u"server_error"_s;
        error.code = u"queue_full"_s;
        error.message = u"%1 requests are already waiting; try again later."_s.arg(kMaxWaiting);
        return openAiError(error);
    }

    auto generation = std::make_unique<Generation>();
    generation->request = std::move(*parsed);
    generation->stream = std::make_shared<HttpResponseStream>();
    const bool chat = kind == CompletionRequest::Kind::Chat;
    generation->id = (chat ? u"chatcmpl-"_s : u"cmpl-"_s) + QString::number(m_nextId++);
    generation->created = QDateTime::currentSecsSinceEpoch();
    generation->timer.setSingleShot(true);
    // Precise: the first token must not come early, and coarse timers may fire 5% early.
    generation->timer.setTimerType(Qt::PreciseTimer);
    Generation *raw = generation.get();
    connect(&generation->timer, &QTimer::timeout, this, [this, raw] { step(raw); });

    HttpResponse response;
    response.stream = generation->stream;
    if (generation->request.stream) {
        response.headers.emplaceBack(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream"));
        response.headers.emplaceBack(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    } else {
        response.headers.emplaceBack(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    }
    m_promptTokens += quint64(generation->request.promptTokens);
    m_waiting.push_back(std::move(generation));
    startWaiting();
    return response;
}

void CompletionServer::startWaiting()
{
    // Clients that left while waiting neither wait nor run.
    std::erase_if(m_waiting, [](const std::unique_ptr<Generation> &g) { return !g->stream->isOpen(); });
    while (m_running.size() < std::size_t(m_options.maxNumSeqs) && !m_waiting.empty()) {
        std::unique_ptr<Generation> generation = std::move(m_waiting.front());
        m_waiting.pop_front();
        if (!generation->stream->isOpen())
            continue;  // the client left while it waited
        generation->timer.start(m_options.timeToFirstTokenMs);
        m_running.push_back(std::move(generation));
    }
}

void CompletionServer::step(Generation *generation)
{
    HttpResponseStream &stream = *generation->stream;
    if (!stream.isOpen()) {
        retire(generation);  // the client left mid-answer
        return;
    }
    const bool chat = generation->request.kind == CompletionRequest::Kind::Chat;
    const bool first = generation->produced == 0;
    const QString token = (first ? QString() : u" "_s)
        + QString::fromLatin1(kWords[std::size_t(generation->produced) % kWords.size()]);
    ++generation->produced;
    ++m_generationTokens;
    generation->text += token;
    const bool last = generation->produced >= generation->request.maxTokens;

    const QJsonObject head{
        {u"id"_s, generation->id},
        {u"object"_s, chat ? (generation->request.stream ? u"chat.completion.chunk"_s : u"chat.completion"_s)
                           : u"text_completion"_s},
        {u"created"_s, generation->created},
        {u"model"_s, m_options.modelName},
    };
    if (generation->request.stream) {
        QJsonObject choice{{u"index"_s, 0}, {u"finish_reason"_s, QJsonValue::Null}};
        if (chat) {
            QJsonObject delta{{u"content"_s, token}};
            if (first)
                delta.insert(u"role"_s, u"assistant"_s);
            choice.insert(u"delta"_s, delta);
        } else {
            choice.insert(u"text"_s, token);
            choice.insert(u"logprobs"_s, QJsonValue::Null);
        }
        QJsonObject chunk = head;
        chunk.insert(u"choices"_s, QJsonArray{choice});
        QByteArray bytes = sseEvent(chunk);
        if (last) {
            // OpenAI ends a stream with a chunk that only carries the finish reason.
            QJsonObject end{{u"index"_s, 0}, {u"finish_reason"_s, u"length"_s}};
            if (chat) {
                end.insert(u"delta"_s, QJsonObject{});
            } else {
                end.insert(u"text"_s, QString());
                end.insert(u"logprobs"_s, QJsonValue::Null);
            }
            QJsonObject endChunk = head;
            endChunk.insert(u"choices"_s, QJsonArray{end});
            bytes += sseEvent(endChunk);
            if (generation->request.includeUsage) {
                // OpenAI's stream_options.include_usage: one more chunk, without choices, with the counts.
                QJsonObject usageChunk = head;
                usageChunk.insert(u"choices"_s, QJsonArray{});
                usageChunk.insert(u"usage"_s, usage(*generation));
                bytes += sseEvent(usageChunk);
            }
            bytes += "data: [DONE]\n\n";
        }
        stream.write(bytes);
    } else if (last) {
        QJsonObject choice{{u"index"_s, 0}, {u"finish_reason"_s, u"length"_s}};
        if (chat) {
            choice.insert(u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, generation->text}});
        } else {
            choice.insert(u"text"_s, generation->text);
            choice.insert(u"logprobs"_s, QJsonValue::Null);
        }
        QJsonObject answer = head;
        answer.insert(u"choices"_s, QJsonArray{choice});
        answer.insert(u"usage"_s, usage(*generation));
        stream.write(QJsonDocument(answer).toJson(QJsonDocument::Compact));
    }

    if (!last) {
        generation->timer.start(std::max(1, 1000 / m_options.tokensPerSecond));
        return;
    }
    ++m_finished;
    stream.finish();
    retire(generation);
}

QJsonObject CompletionServer::usage(const Generation &generation)
{
    const int prompt = generation.request.promptTokens;
    return QJsonObject{{u"prompt_tokens"_s, prompt},
                       {u"completion_tokens"_s, generation.produced},
                       {u"total_tokens"_s, prompt + generation.produced}};
}

void CompletionServer::retire(Generation *generation)
{
    const auto it = std::find_if(m_running.begin(), m_running.end(),
                                 [generation](const std::unique_ptr<Generation> &g) { return g.get() == generation; });
    if (it == m_running.end())
        return;
    // Deleted later: this runs inside the generation's own timer signal.
    std::unique_ptr<Generation> done = std::move(*it);
    m_running.erase(it);
    done->timer.stop();
    done->timer.disconnect();
    QTimer::singleShot(0, this, [keep = std::shared_ptr<Generation>(std::move(done))] {});
    startWaiting();
}

double CompletionServer::kvCacheUsage() const
{
    qint64 held = 0;
    for (const std::unique_ptr<Generation> &generation : m_running)
        held += generation->request.promptTokens + generation->produced;
    const double capacity = double(m_options.maxNumSeqs) * kKvTokensPerSeq;
    return std::clamp(double(held) / capacity, 0.0, 1.0);
}

QByteArray CompletionServer::metrics() const
{
    const QByteArray label = "{model_name=\"" + m_options.modelName.toUtf8() + "\"}";
    const auto gauge = [&](const char *name, const char *help, const QByteArray &value) -> QByteArray {
        return QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n" + name + label + ' ' + value
            + '\n';
    };
    const auto counter = [&](const char *name, const char *help, quint64 value) -> QByteArray {
        return QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name + label + ' '
            + QByteArray::number(value) + '\n';
    };
    QByteArray out;
    out += gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
                 QByteArray::number(qulonglong(m_running.size())));
    // Clients that left while waiting are dropped only when the queue moves: not counted meanwhile.
    const auto waiting = std::count_if(m_waiting.cbegin(), m_waiting.cend(),
                                       [](const std::unique_ptr<Generation> &g) { return g->stream->isOpen(); });
    out += gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
                 QByteArray::number(qlonglong(waiting)));
    out += gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.",
                 QByteArray::number(kvCacheUsage(), 'g', 6));
    out += counter("vllm:request_success_total", "Count of successfully processed requests.", m_finished);
    out += counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", m_promptTokens);
    out += counter("vllm:generation_tokens_total", "Number of generation tokens processed.", m_generationTokens);
    return out;
}

} // namespace ServeDeck
