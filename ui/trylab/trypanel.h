#pragma once

#include <QUuid>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;
class ErrorLabel;
class TryRequest;
struct TryEvent;
struct TryResult;

// "Try it": one request to an endpoint from the console. The body starts as the model
// definition's example, else the last body tried there, else {}; a private endpoint takes a
// token minted for the try (through the control plane, off this thread) or one pasted. The
// request is non-blocking socket I/O on this thread's event loop; a stream's events show as
// they arrive, then the status, route, revision, timings and the answer.
class TryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TryPanel)

public:
    // A minted token lives this long: long enough for a few tries, short enough to be harmless.
    static constexpr qint64 kTokenExpirySeconds = 300;
    // Events listed at most; a longer stream still counts them all.
    static constexpr int kMaxEventRows = 1000;

    TryPanel(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~TryPanel() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QPlainTextEdit *bodyEditor() const { return m_body; }
    QLineEdit *pathEdit() const { return m_path; }
    QTableWidget *headersTable() const { return m_headers; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *mintButton() const { return m_mint; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *routeLabel() const { return m_route; }
    QLabel *revisionLabel() const { return m_revision; }
    QLabel *timingsLabel() const { return m_timings; }
    QLabel *streamLabel() const { return m_stream; }
    QPlainTextEdit *answerView() const { return m_answer; }
    QTableWidget *eventsTable() const { return m_events; }
    bool running() const;

    void setEndpoint(const QUuid &id);
    // Adds (or replaces) a header row; `secret` values show masked.
    void setHeader(const QString &name, const QString &value, bool secret = false);
    void send();
    void cancel();

Q_SIGNALS:
    void tokenMinted();
    void answered(const ServeDeck::TryResult &result);

private:
    void endpointChanged(const QUuid &id);
    void mintToken();
    void addEvent(const TryEvent &event);
    void showResult(const TryResult &result);
    void updateButtons();

    ControlClient &m_client;
    EndpointListModel &m_endpoints;
    EndpointSelector *m_endpoint;
    QComboBox *m_method;
    QLineEdit *m_path;
    QLabel *m_url;
    QPlainTextEdit *m_body;
    QTableWidget *m_headers;
    QPushButton *m_addHeader;
    QPushButton *m_removeHeader;
    QPushButton *m_mint;
    QPushButton *m_send;
    QPushButton *m_cancel;
    ErrorLabel *m_problem;
    QLabel *m_status;
    QLabel *m_route;
    QLabel *m_revision;
    QLabel *m_timings;
    QLabel *m_stream;
    QTableWidget *m_events;
    QPlainTextEdit *m_answer;
    TryRequest *m_request = nullptr;
    QUuid m_current;
    bool m_minting = false;
};

} // namespace ServeDeck
