#pragma once

#include <functional>

#include <QHostAddress>
#include <QJsonArray>
#include <QObject>

namespace ServeDeck {

class HttpServer;
enum class ErrorType;
class ModelServingService;
struct HttpRequest;
struct HttpResponse;

int httpStatusFor(ErrorType type);

// The versioned control REST API (/v1) over the service; every route needs the admin token
// except /v1/health and /metrics.
class ControlApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlApiServer)

public:
    ControlApiServer(ModelServingService &service, QByteArray adminToken, QObject *parent = nullptr);
    ~ControlApiServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;

    HttpResponse handle(const HttpRequest &request);
    // Who answers GET /v1/agents; without one, the configured local capacity is reported.
    void setAgentsReport(std::function<QJsonArray()> report) { m_agentsReport = std::move(report); }

private:
    HttpResponse route(const HttpRequest &request, const QList<QByteArray> &parts);
    QByteArray metricsText();

    ModelServingService &m_service;
    QByteArray m_adminToken;
    HttpServer *m_http = nullptr;
    QHash<int, qint64> m_responsesByStatus;
    std::function<QJsonArray()> m_agentsReport;
};

} // namespace ServeDeck
