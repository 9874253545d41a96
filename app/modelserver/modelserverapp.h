#pragma once

#include <memory>
#include <vector>

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QTimer>

#include "http/httpserver.h"
#include "irisclassifier.h"
#include "modelserveroptions.h"
#include "requestmetrics.h"

namespace ServeDeck {

// The model server's HTTP side: POST /predict, GET /health, GET /metrics, and the
// fault knobs that act on requests (latency, failed answers, crash, failing health, memory growth).
//
// Added latency: HttpServer's handler is synchronous, so a /predict that must answer
// later waits in a nested event loop inside the handler. Other connections are served
// meanwhile (/health and /metrics stay prompt; HttpServer is written for handlers that
// re-enter it this way). The price of nesting is that waits end last-in first-out: a
// request that overlaps a later one answers when that one does, at most one latency
// after the last arrival. Requests on one keep-alive connection stay in order, as
// HTTP/1.1 requires.
class ModelServerApp final : public QObject
{
    Q_OBJECT

public:
    ModelServerApp(IrisClassifier classifier, QString version, FaultOptions faults, QObject *parent = nullptr);
    ~ModelServerApp() override;

    // Also starts the fail-health-after-ms clock.
    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const { return m_server.errorString(); }
    QHostAddress serverAddress() const { return m_server.serverAddress(); }
    quint16 serverPort() const { return m_server.serverPort(); }

private:
    HttpResponse handle(const HttpRequest &request);
    HttpResponse predict(const HttpRequest &request);
    HttpResponse answer(const QByteArray &body) const;
    HttpResponse health() const;
    bool failThisPredict();
    void waitOutLatency();
    void growMemory();
    void countTowardsCrash();

    IrisClassifier m_classifier;
    QString m_version;
    FaultOptions m_faults;
    RequestMetrics m_metrics;
    std::vector<std::unique_ptr<char[]>> m_grownMemory;  // the grow-memory fault's blocks, kept until exit
    qint64 m_predictsAnswered = 0;
    qint64 m_predictsReceived = 0;  // the fail-percent fault's count
    bool m_healthFailing = false;
    QTimer m_failHealthTimer;
    HttpServer m_server;  // last: destroyed first, since its handler reaches every member above
};

} // namespace ServeDeck
