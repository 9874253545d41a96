// The headers the proxy never passes on (RFC 9110 7.6.1): the fixed hop-by-hop list and the
// names a message's Connection headers add to it.
#include <QTest>

#include "http/proxyhttp.h"

using namespace ServeDeck;

class TestHopByHop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixedList_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("hopByHop");

        for (const char *name : {"Connection", "connection", "Keep-Alive", "KEEP-ALIVE", "TE", "te", "Trailer",
                                 "Transfer-Encoding", "transfer-encoding", "Upgrade", "Proxy-Authorization",
                                 "Proxy-Authenticate", "proxy-connection", "PROXY-X"}) {
            QTest::newRow(name) << QByteArray(name) << true;
        }
        // Near misses: end-to-end headers that only look alike.
        for (const char *name : {"Content-Length", "Host", "Authorization", "Trailers", "Upgrade-Insecure-Requests",
                                 "X-Connection", "Connections", "Keep-Alive2", "T", "Proxy-", "Proxy", "Tee",
                                 "Transfer-Encodings", ""}) {
            QTest::newRow(*name ? name : "(empty)") << QByteArray(name) << false;
        }
    }

    void fixedList()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, hopByHop);
        QCOMPARE(ProxyHttp::isHopByHop(name), hopByHop);
    }

    void namedInConnection_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("dropped");

        QTest::newRow("listed") << QByteArray("X-Hop") << true;
        QTest::newRow("listed, other case") << QByteArray("x-hop") << true;
        QTest::newRow("listed with spaces") << QByteArray("X-Spaced") << true;
        QTest::newRow("second Connection header") << QByteArray("X-Second") << true;
        QTest::newRow("fixed list") << QByteArray("Upgrade") << true;
        QTest::newRow("not listed") << QByteArray("X-End-To-End") << false;
        QTest::newRow("close is an option, not a name") << QByteArray("Close") << false;
    }

    void namedInConnection()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, dropped);
        const HeaderList headers{{"Connection", "close, X-Hop ,  X-Spaced  ,,keep-alive"},
                                 {"X-End-To-End", "1"},
                                 {"connection", "X-Second"}};
        const QList<QByteArray> options = ProxyHttp::connectionOptions(headers);
        QCOMPARE(options, (QList<QByteArray>{"X-Hop", "X-Spaced", "X-Second"}));
        QCOMPARE(ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name), dropped);
    }
};

QTEST_GUILESS_MAIN(TestHopByHop)
#include "test_hopbyhop.moc"
