#include <functional>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "traffic/inputgenerator.h"

using namespace ServeDeck;

namespace {

RequestHints iris()
{
    RequestHints hints;
    hints.path = QStringLiteral("/predict");
    hints.example = QByteArrayLiteral(R"({"features": [5.1, 3.5, 1.4, 0.2], "explain": true})");
    hints.inputField = QStringLiteral("features");
    hints.batchField = QStringLiteral("instances");
    hints.inputShape = {4};
    hints.min = 0.5;
    hints.max = 7.5;
    return hints;
}

QJsonObject parse(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    return error.error == QJsonParseError::NoError ? document.object() : QJsonObject{{QStringLiteral("unparsed"), true}};
}

// Counts the numbers in an input of the given shape; -1 when it has another shape or a number
// is outside [min, max].
int numbersIn(const QJsonValue &value, const QList<int> &shape, int index, double min, double max)
{
    if (index == shape.size()) {
        const double v = value.toDouble(-1e300);
        return value.isDouble() && v >= min && v <= max ? 1 : -1;
    }
    const QJsonArray array = value.toArray();
    if (!value.isArray() || array.size() != shape.at(index))
        return -1;
    int count = 0;
    for (const QJsonValue &item : array) {
        const int n = numbersIn(item, shape, index + 1, min, max);
        if (n < 0)
            return -1;
        count += n;
    }
    return count;
}

} // namespace

class TestInputGenerator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneInputKeepsTheExample();
    void batchGoesInTheBatchField();
    void shapeAndRange();
    void seeded();
    void batchBetween();
    void invalid_data();
    void invalid();
};

void TestInputGenerator::oneInputKeepsTheExample()
{
    Result<InputGenerator> generator = InputGenerator::create(iris(), 4, 1);
    QVERIFY2(generator.ok(), qPrintable(generator.ok() ? QString() : generator.error().message));
    const QJsonObject body = parse(generator->body(1));
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("explain"), QStringLiteral("features")}));
    QCOMPARE(body.value(QStringLiteral("explain")), QJsonValue(true));
    QCOMPARE(numbersIn(body.value(QStringLiteral("features")), {4}, 0, 0.5, 7.5), 4);
    // Not the example's numbers.
    QVERIFY(body.value(QStringLiteral("features")) != QJsonArray({5.1, 3.5, 1.4, 0.2}));

    // No example: the input field alone.
    RequestHints bare = iris();
    bare.example.clear();
    Result<InputGenerator> plain = InputGenerator::create(bare, 1, 1);
    QVERIFY(plain.ok());
    QCOMPARE(parse(plain->body(1)).keys(), QStringList{QStringLiteral("features")});
}

void TestInputGenerator::batchGoesInTheBatchField()
{
    Result<InputGenerator> generator = InputGenerator::create(iris(), 4, 1);
    QVERIFY(generator.ok());
    const QJsonObject body = parse(generator->body(3));
    // The input field goes: the demo server takes one of the two, never both.
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("explain"), QStringLiteral("instances")}));
    const QJsonArray instances = body.value(QStringLiteral("instances")).toArray();
    QCOMPARE(instances.size(), 3);
    for (const QJsonValue &input : instances)
        QCOMPARE(numbersIn(input, {4}, 0, 0.5, 7.5), 4);
    QVERIFY(instances.at(0) != instances.at(1));
    // Held to the batch the generator was made for.
    QCOMPARE(parse(generator->body(50)).value(QStringLiteral("instances")).toArray().size(), 4);
    QVERIFY(parse(generator->body(0)).contains(QStringLiteral("features")));
}

void TestInputGenerator::shapeAndRange()
{
    RequestHints hints = iris();
    hints.example.clear();
    hints.inputShape = {3, 2, 5};
    hints.min = -2;
    hints.max = -1;
    Result<InputGenerator> generator = InputGenerator::create(hints, 1, 7);
    QVERIFY(generator.ok());
    double lowest = 0;
    double highest = -3;
    for (int i = 0; i < 200; ++i) {
        const QJsonValue input = generator->input();
        QCOMPARE(numbersIn(input, hints.inputShape, 0, -2, -1), 30);
        for (const QJsonValue &a : input.toArray())
            for (const QJsonValue &b : a.toArray())
                for (const QJsonValue &c : b.toArray()) {
                    lowest = std::min(lowest, c.toDouble());
                    highest = std::max(highest, c.toDouble());
                }
    }
    // 6000 uniform draws cover the range.
    QVERIFY2(lowest < -1.99 && highest > -1.01, qPrintable(QStringLiteral("%1..%2").arg(lowest).arg(highest)));
}

void TestInputGenerator::seeded()
{
    Result<InputGenerator> a = InputGenerator::create(iris(), 4, 99);
    Result<InputGenerator> b = InputGenerator::create(iris(), 4, 99);
    Result<InputGenerator> c = InputGenerator::create(iris(), 4, 100);
    QVERIFY(a.ok() && b.ok() && c.ok());
    for (int i = 0; i < 20; ++i) {
        const QByteArray body = a->body(1 + i % 4);
        QCOMPARE(b->body(1 + i % 4), body);
        QVERIFY(c->body(1 + i % 4) != body);
    }
}

void TestInputGenerator::batchBetween()
{
    Result<InputGenerator> generator = InputGenerator::create(iris(), 4, 5);
    QVERIFY(generator.ok());
    QList<int> seen(6, 0);
    for (int i = 0; i < 400; ++i) {
        const int n = generator->batchBetween(2, 4);
        QVERIFY2(n >= 2 && n <= 4, qPrintable(QString::number(n)));
        ++seen[n];
    }
    for (int n = 2; n <= 4; ++n)
        QVERIFY2(seen[n] > 80, qPrintable(QStringLiteral("%1: %2").arg(n).arg(seen[n])));
    QCOMPARE(generator->batchBetween(3, 3), 3);
}

void TestInputGenerator::invalid_data()
{
    QTest::addColumn<int>("maxBatch");
    QTest::addColumn<QString>("field");
    QTest::addColumn<std::function<void(RequestHints &)>>("change");

    QTest::newRow("no input field") << 1 << QStringLiteral("request")
                                    << std::function<void(RequestHints &)>([](RequestHints &h) { h.inputField.clear(); });
    QTest::newRow("no shape") << 1 << QStringLiteral("request")
                              << std::function<void(RequestHints &)>([](RequestHints &h) { h.inputShape.clear(); });
    QTest::newRow("example an array") << 1 << QStringLiteral("example")
                                      << std::function<void(RequestHints &)>([](RequestHints &h) { h.example = "[1]"; });
    QTest::newRow("example not JSON") << 1 << QStringLiteral("example")
                                      << std::function<void(RequestHints &)>([](RequestHints &h) { h.example = "{"; });
    QTest::newRow("batch without a batch field")
        << 2 << QStringLiteral("batch") << std::function<void(RequestHints &)>([](RequestHints &h) { h.batchField.clear(); });
    QTest::newRow("batch 0") << 0 << QStringLiteral("batch") << std::function<void(RequestHints &)>([](RequestHints &) {});
    QTest::newRow("batch above the cap") << 257 << QStringLiteral("batch")
                                         << std::function<void(RequestHints &)>([](RequestHints &) {});
    QTest::newRow("too many numbers")
        << 17 << QStringLiteral("batch")
        << std::function<void(RequestHints &)>([](RequestHints &h) { h.inputShape = {65536}; });
    QTest::newRow("range reversed") << 1 << QStringLiteral("input_range")
                                    << std::function<void(RequestHints &)>([](RequestHints &h) { h.min = 9; });
}

void TestInputGenerator::invalid()
{
    QFETCH(int, maxBatch);
    QFETCH(QString, field);
    QFETCH(std::function<void(RequestHints &)>, change);
    RequestHints hints = iris();
    change(hints);
    const Result<InputGenerator> generator = InputGenerator::create(hints, maxBatch, 1);
    QVERIFY(!generator.ok());
    QCOMPARE(generator.error().type, ErrorType::InvalidArgument);
    QCOMPARE(generator.error().details.value(QStringLiteral("field")).toString(), field);
}

QTEST_GUILESS_MAIN(TestInputGenerator)
#include "test_inputgenerator.moc"
