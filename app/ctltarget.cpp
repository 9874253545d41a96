#include "ctltarget.h"

#include "api/apiclient.h"
#include "ctlverb.h"

using ServeDeck::ApiResponse;

CtlTarget::CtlTarget(ServeDeck::ApiClient &client, QString svc)
    : m_client(client)
    , m_svc(std::move(svc))
{
}

ApiResponse CtlTarget::resolve()
{
    ApiResponse info = m_client.get(CtlVerb::servicePath(m_svc));
    if (info.ok())
        m_endpoint = info.body.object();
    return info;
}

QString CtlTarget::id() const
{
    return m_endpoint.value(QStringLiteral("id")).toString();
}

QString CtlTarget::name() const
{
    return m_endpoint.value(QStringLiteral("name")).toString(m_svc);
}

QString CtlTarget::url() const
{
    return m_endpoint.value(QStringLiteral("url")).toString();
}

bool CtlTarget::isPublic() const
{
    return m_endpoint.value(QStringLiteral("public")).toBool();
}

QJsonObject CtlTarget::requestHints() const
{
    return m_endpoint.value(QStringLiteral("request")).toObject();
}

ApiResponse CtlTarget::mintToken(qint64 lifeSeconds)
{
    ApiResponse minted = m_client.send("POST", CtlVerb::servicePath(m_svc) + QStringLiteral("/tokens"),
                                       QJsonObject{{QStringLiteral("scope"), QStringLiteral("inference")},
                                                   {QStringLiteral("expiry"), lifeSeconds}});
    if (!minted.ok())
        return minted;
    revokeToken();
    const QJsonObject o = minted.body.object();
    m_token = o.value(QStringLiteral("token")).toString().toUtf8();
    m_tokenId = o.value(QStringLiteral("token_id")).toString();
    return minted;
}

std::pair<QByteArray, QByteArray> CtlTarget::authorization() const
{
    return {QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_token};
}

void CtlTarget::revokeToken()
{
    if (!m_tokenId.isEmpty())
        m_client.send("DELETE", CtlVerb::servicePath(m_svc) + QStringLiteral("/tokens/") + m_tokenId);
    m_tokenId.clear();
    m_token.clear();
}
