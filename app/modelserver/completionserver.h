#pragma once

#include <deque>
#include <list>
#include <memory>

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include "completionrequest.h"
#include "http/httpserver.h"
#include "modelserveroptions.h"

namespace ServeDeck {

// The model server's OpenAI-compatible mode: a stand-in for vLLM with no model behind it.
// POST /v1/completions and /v1/chat/completions answer filler tokens, the first one
// timeToFirstTokenMs after a request starts running and then tokensPerSecond; at most
// maxNumSeqs requests run at once and the rest wait in order. Every answer is streamed
// from a timer (HttpResponseStream), so no handler blocks: with "stream": true as
// server-sent events ending in "data: [DONE]", otherwise as one JSON body at the end.
// GET /v1/models, /health, and /metrics with vLLM's names (requests running and waiting,
// KV-cache usage as the share of a fixed token budget the running requests hold).
class CompletionServer final : public QObject
{
    Q_OBJECT

public:
    explicit CompletionServer(OpenAiOptions options, QObject *parent = nullptr);
    ~CompletionServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const { return m_server.errorString(); }
    QHostAddress serverAddress() const { return m_server.serverAddress(); }
    quint16 serverPort() const { return m_server.serverPort(); }

private:
    struct Generation;

    HttpResponse handle(const HttpRequest &request);
    HttpResponse complete(CompletionRequest::Kind kind, const HttpRequest &request);
    HttpResponse models() const;
    QByteArray metrics() const;
    void startWaiting();
    void step(Generation *generation);
    void retire(Generation *generation);
    static QJsonObject usage(const Generation &generation);
    double kvCacheUsage() const;

    OpenAiOptions m_options;
    std::list<std::unique_ptr<Generation>> m_running;
    std::deque<std::unique_ptr<Generation>> m_waiting;
    qint64 m_nextId = 1;
    qint64 m_created;  // what /v1/models reports as the model's creation time
    quint64 m_finished = 0;
    quint64 m_promptTokens = 0;
    quint64 m_generationTokens = 0;
    HttpServer m_server;  // last: destroyed first, since its handler reaches every member above
};

} // namespace ServeDeck
