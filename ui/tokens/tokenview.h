#pragma once

#include <QUuid>
#include <QWidget>

#include "domain/result.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace ServeDeck {

class ErrorLabel;
class Clock;
class EndpointListModel;
class EndpointSelector;
class ControlClient;
struct GeneratedToken;
class TokenListModel;

// Access tokens of one endpoint: issue one (scope, expiry, allowed IPs checked as typed), show
// it once with Copy and Export (a 0600 file), and list, audit and revoke the issued ones.
class TokenView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenView)

public:
    TokenView(ControlClient &client, EndpointListModel &endpoints, Clock &clock, QWidget *parent = nullptr);
    ~TokenView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    TokenListModel *tokenModel() const { return m_model; }
    QTableView *tokenTable() const { return m_table; }
    // The token generated last, until the endpoint changes; empty before.
    QByteArray token() const { return m_token; }

    // Sends the request; generateAnswered() says how it went. The button is off meanwhile.
    void generate();
    bool isGenerating() const;
    // Writes token() to path, mode 0600; false (and the reason in place) when it cannot.
    bool exportToken(const QString &path);
    // Asks first.
    void revokeSelected();

Q_SIGNALS:
    void generateAnswered(bool ok);
    void revokeAnswered(bool ok);

private:
    void showGenerated(const QUuid &endpoint, const Result<GeneratedToken> &generated);
    void endpointChanged(const QUuid &id);
    void validate();
    void exportWithDialog();
    void copyToken();
    void updateRevoke();
    void showResult(const QString &text, bool isError);
    QStringList allowedIps() const;

    ControlClient &m_client;
    TokenListModel *m_model;
    EndpointSelector *m_endpoint;
    QComboBox *m_scope;
    QSpinBox *m_expiryAmount;
    QComboBox *m_expiryUnit;
    QLineEdit *m_allowedIps;
    ErrorLabel *m_allowedIpsError;
    QPushButton *m_generate;
    ErrorLabel *m_generateError;
    QLineEdit *m_tokenField;
    QPushButton *m_copy;
    QPushButton *m_export;
    QLabel *m_result;
    QTableView *m_table;
    QPushButton *m_revoke;
    ErrorLabel *m_revokeError;
    QByteArray m_token;
    bool m_generating = false;
};

} // namespace ServeDeck
