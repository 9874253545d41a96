#pragma once

#include <utility>

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace ServeDeck {
class ApiClient;
struct ApiResponse;
}

// The endpoint a traffic verb (try, loadtest, simulate) aims at, read from the control API:
// its own URL, whether it is public and its model's request hints; for a private one, an
// inference token minted for the run with the life the verb asks, never printed.
class CtlTarget final
{
    Q_DISABLE_COPY_MOVE(CtlTarget)

public:
    CtlTarget(ServeDeck::ApiClient &client, QString svc);

    // Reads the endpoint; the API's answer, refusals included (print them with CtlVerb::apiFailure).
    ServeDeck::ApiResponse resolve();

    const QJsonObject &endpoint() const { return m_endpoint; }
    QString id() const;
    QString name() const;  // the SVC asked for when the API names none
    QString url() const;   // the endpoint's own URL, where the traffic goes; empty before it has one
    QUrl origin() const { return QUrl(url()); }
    bool isPublic() const;
    QJsonObject requestHints() const;  // the model definition's `request` block

    // A short-lived inference token for this endpoint. On success it replaces the one held,
    // which is revoked after the new one exists (no gap for a running load); the API's answer.
    ServeDeck::ApiResponse mintToken(qint64 lifeSeconds);
    // {"Authorization", "Bearer <token>"} for the token held.
    std::pair<QByteArray, QByteArray> authorization() const;
    // Revokes the token held, if any: a run that ends early leaves nothing usable behind.
    void revokeToken();

private:
    ServeDeck::ApiClient &m_client;
    QString m_svc;
    QJsonObject m_endpoint;
    QByteArray m_token;
    QString m_tokenId;
};
