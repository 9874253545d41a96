#pragma once

#include <functional>
#include <optional>
#include <vector>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QTimer>

#include "http/httprequest.h"
#include "http/httpresponse.h"

class QTcpServer;

namespace ServeDeck {

// HTTP/1.1 server (keep-alive, pipelining, chunked request bodies) running on
// the event loop of the owning thread. The handler is called synchronously,
// one request at a time per connection, so responses go out in request order.
class HttpServer final : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    // Sees each request's head (the body empty, not read yet) before any "100 Continue": an
    // answer refuses the request there, and the connection closes after it, its body unread.
    using HeadCheck = std::function<std::optional<HttpResponse>(const HttpRequest &head)>;

    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024;  // request line + headers
        qsizetype maxBodyBytes = 1024 * 1024;  // decoded body
        int idleTimeoutMs = 30000;
        int headTimeoutMs = 10000;  // from a request's first byte to the end of its head; 0: none
        int maxConnections = 1024;  // open at once; past it an idle one gives way, else the newcomer is closed
    };

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    // Applies to requests parsed from now on, open connections included.
    void setLimits(const Limits &limits);
    Limits limits() const { return m_limits; }
    void setHeadCheck(HeadCheck check);

    bool listen(const QHostAddress &address, quint16 port);  // port 0 picks a free one
    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const;

    // Stops listening and drops every open connection.
    void close();

private:
    class Connection;

    void acceptConnection(qintptr descriptor);
    void sweepIdle();
    void forget(Connection *connection);
    // Ends the connection idle between requests for longest; false when none is.
    bool evictLongestIdle();

    Handler m_handler;
    HeadCheck m_headCheck;
    Limits m_limits;
    QTcpServer *m_tcpServer;
    QTimer m_sweepTimer;
    QElapsedTimer m_clock;
    std::vector<Connection *> m_connections;
};

} // namespace ServeDeck
