#include <initializer_list>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "domain/modeldefinition.h"

using namespace ServeDeck;

namespace {

// One element per line, so a case's expected line number is its index + 1.
QByteArray lines(std::initializer_list<const char *> rows)
{
    QByteArrayList list;
    for (const char *row : rows)
        list << QByteArray(row);
    return list.join('\n') + '\n';
}

Result<ModelDefinition> parse(const QString &format, const QByteArray &text)
{
    return format == QLatin1String("toml") ? ModelDefinitionParser::parseToml(text, QStringLiteral("model-definition.toml"))
                                           : ModelDefinitionParser::parseYaml(text, QStringLiteral("model-definition.yaml"));
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

const QByteArray kService = lines({
    "models:",
    "  - name: a",
    "    model_path: /models",
    "    service:",
    "      start_command: [srv]",
    "      port: 8000",
});

} // namespace

class TestModelDefinition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void yamlAndTomlAgree();
    void healthCheckDefaults_data();
    void healthCheckDefaults();
    void requestBlock();
    void requestBlockBounds();
    void invalid_data();
    void invalid();
    void startCommand_data();
    void startCommand();
    void loadFolderWithoutDefinition_data();
    void loadFolderWithoutDefinition();
    void loadFolderOrder();
    void missingFiles_data();
    void missingFiles();
    void hostPath_data();
    void hostPath();
    void demoFolders_data();
    void demoFolders();
};

void TestModelDefinition::yamlAndTomlAgree()
{
    const QByteArray yaml = lines({
        "models:",
        "  - name: \"iris-classifier\"",
        "    model_path: \"/models\"",
        "    files: [\"iris.csv\", \"weights/model.bin\"]",
        "    service:",
        "      pre_start_actions:",
        "        - action: run_command",
        "          args: {command: [\"echo\", \"hi\"], timeout: 5}",
        "      start_command: [\"servedeck-model-server\", \"--port\", \"8000\"]",
        "      port: 8000",
        "      health_check:",
        "        path: /health",
        "        interval: 2.5",
        "        max_retries: 3",
        "        max_wait_time: 5",
        "        expected_status_code: 204",
        "        initial_delay: 0",
        "    resources:",
        "      cpu: 1",
        "      memory: \"512M\"",
        "    metadata:",
        "      author: x",
        "      version: 2",
        "      tags: [a, b]",
        "      nested: {ok: true, ratio: 0.5}",
        "  - name: second",
        "    model_path: sub",
    });
    const QByteArray toml = lines({
        "[[models]]",
        "name = \"iris-classifier\"",
        "model_path = \"/models\"",
        "files = [\"iris.csv\", \"weights/model.bin\"]",
        "",
        "[models.service]",
        "start_command = [\"servedeck-model-server\", \"--port\", \"8000\"]",
        "port = 8000",
        "",
        "[[models.service.pre_start_actions]]",
        "action = \"run_command\"",
        "args = { command = [\"echo\", \"hi\"], timeout = 5 }",
        "",
        "[models.service.health_check]",
        "path = \"/health\"",
        "interval = 2.5",
        "max_retries = 3",
        "max_wait_time = 5",
        "expected_status_code = 204",
        "initial_delay = 0",
        "",
        "[models.resources]",
        "cpu = 1",
        "memory = \"512M\"",
        "",
        "[models.metadata]",
        "author = \"x\"",
        "version = 2",
        "tags = [\"a\", \"b\"]",
        "nested = { ok = true, ratio = 0.5 }",
        "",
        "[[models]]",
        "name = \"second\"",
        "model_path = \"sub\"",
    });

    ModelEntry iris;
    iris.name = QStringLiteral("iris-classifier");
    iris.modelPath = QStringLiteral("/models");
    iris.files = {QStringLiteral("iris.csv"), QStringLiteral("weights/model.bin")};
    ModelServiceConfig service;
    service.preStartActions = {
        {QStringLiteral("run_command"),
         {{QStringLiteral("command"), QVariantList{QStringLiteral("echo"), QStringLiteral("hi")}},
          {QStringLiteral("timeout"), 5}}}};
    service.startCommand = {QStringLiteral("servedeck-model-server"), QStringLiteral("--port"), QStringLiteral("8000")};
    service.port = 8000;
    service.healthCheck = HealthCheckConfig{QStringLiteral("/health"), 2.5, 3, 5.0, 204, 0.0};
    iris.service = service;
    iris.resources = {{QStringLiteral("cpu"), 1}, {QStringLiteral("memory"), QStringLiteral("512M")}};
    iris.metadata = {{QStringLiteral("author"), QStringLiteral("x")},
                     {QStringLiteral("version"), 2},
                     {QStringLiteral("tags"), QVariantList{QStringLiteral("a"), QStringLiteral("b")}},
                     {QStringLiteral("nested"), QVariantMap{{QStringLiteral("ok"), true}, {QStringLiteral("ratio"), 0.5}}}};
    ModelEntry second;
    second.name = QStringLiteral("second");
    second.modelPath = QStringLiteral("sub");

    const Result<ModelDefinition> fromYaml = ModelDefinitionParser::parseYaml(yaml, QStringLiteral("a.yaml"));
    const Result<ModelDefinition> fromToml = ModelDefinitionParser::parseToml(toml, QStringLiteral("a.toml"));
    QVERIFY2(fromYaml.ok(), qPrintable(fromYaml.ok() ? QString() : fromYaml.error().message));
    QVERIFY2(fromToml.ok(), qPrintable(fromToml.ok() ? QString() : fromToml.error().message));
    QCOMPARE(fromYaml->sourceFile, QStringLiteral("a.yaml"));
    QCOMPARE(fromToml->sourceFile, QStringLiteral("a.toml"));
    QCOMPARE(fromYaml->models.size(), 2);
    QVERIFY(fromYaml->models[0] == iris);
    QVERIFY(fromYaml->models[1] == second);
    QVERIFY(fromToml->models == fromYaml->models);
}

void TestModelDefinition::healthCheckDefaults_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("hasService");
    QTest::addColumn<bool>("hasHealthCheck");

    QTest::newRow("yaml path only") << QStringLiteral("yaml")
                                    << QByteArray(kService + "      health_check:\n        path: /health\n") << true << true;
    QTest::newRow("yaml null fields")
        << QStringLiteral("yaml") << QByteArray(kService + "      health_check:\n        path: /health\n        interval:\n")
        << true << true;
    QTest::newRow("toml path only")
        << QStringLiteral("toml")
        << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.service]",
                  "start_command = [\"srv\"]", "port = 8000", "health_check = { path = \"/health\" }"})
        << true << true;
    QTest::newRow("no health_check") << QStringLiteral("yaml") << kService << true << false;
    QTest::newRow("no service") << QStringLiteral("toml")
                                << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\""}) << false << false;
}

void TestModelDefinition::healthCheckDefaults()
{
    QFETCH(QString, format);
    QFETCH(QByteArray, text);
    QFETCH(bool, hasService);
    QFETCH(bool, hasHealthCheck);

    const Result<ModelDefinition> result = parse(format, text);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    const ModelEntry &model = result->models.first();
    QCOMPARE(model.service.has_value(), hasService);
    QVERIFY(model.files.isEmpty() && model.resources.isEmpty() && model.metadata.isEmpty());
    if (!hasService)
        return;
    QVERIFY(model.service->preStartActions.isEmpty());
    QCOMPARE(model.service->healthCheck.has_value(), hasHealthCheck);
    if (!hasHealthCheck)
        return;
    const HealthCheckConfig &hc = *model.service->healthCheck;
    QCOMPARE(hc.path, QStringLiteral("/health"));
    QCOMPARE(hc.interval, 10.0);
    QCOMPARE(hc.maxRetries, 10);
    QCOMPARE(hc.maxWaitTime, 15.0);
    QCOMPARE(hc.expectedStatusCode, 200);
    QCOMPARE(hc.initialDelay, 60.0);
}

void TestModelDefinition::requestBlock()
{
    const QByteArray yaml = kService + lines({
        "    request:",
        "      path: /v1/predict?fast=1",
        "      example: '{\"features\": [5.1, 3.5]}'",
        "      input_field: features",
        "      batch_field: instances",
        "      input_shape: [2, 3]",
        "      input_range: [-1, 2.5]",
    });
    const QByteArray toml = lines({
        "[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.service]", "start_command = [\"srv\"]",
        "port = 8000", "[models.request]", "path = \"/v1/predict?fast=1\"",
        "example = '{\"features\": [5.1, 3.5]}'", "input_field = \"features\"", "batch_field = \"instances\"",
        "input_shape = [2, 3]", "input_range = [-1, 2.5]",
    });
    const RequestHints expected{QStringLiteral("/v1/predict?fast=1"), QByteArray(R"({"features": [5.1, 3.5]})"),
                                QStringLiteral("features"), QStringLiteral("instances"), QList<int>{2, 3}, -1.0, 2.5};
    for (const auto &[format, text] : {std::pair{QStringLiteral("yaml"), yaml}, std::pair{QStringLiteral("toml"), toml}}) {
        const Result<ModelDefinition> result = parse(format, text);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QVERIFY2(result->models.first().request == expected, qPrintable(format));
    }

    // Every field is optional; no block at all is no hints.
    const Result<ModelDefinition> pathOnly = parse(QStringLiteral("yaml"), kService + "    request: {path: /p}\n");
    QVERIFY(pathOnly.ok());
    QCOMPARE(pathOnly->models.first().request->path, QStringLiteral("/p"));
    QVERIFY(pathOnly->models.first().request->inputShape.isEmpty());
    QCOMPARE(pathOnly->models.first().request->min, 0.0);
    QCOMPARE(pathOnly->models.first().request->max, 1.0);
    const Result<ModelDefinition> none = parse(QStringLiteral("yaml"), kService);
    QVERIFY(none.ok());
    QVERIFY(!none->models.first().request.has_value());
}

// At the bounds the block is accepted; one past them it is refused.
void TestModelDefinition::requestBlockBounds()
{
    const auto withRequest = [](const QByteArray &block) -> QByteArray { return kService + "    request:\n" + block; };
    // 64 KiB of JSON text exactly: {"a":"x...x"}.
    const QByteArray atLimit = R"({"a":")" + QByteArray(64 * 1024 - 8, 'x') + R"("})";
    const Result<ModelDefinition> limit = parse(QStringLiteral("yaml"), withRequest("      example: '" + atLimit + "'\n"));
    QVERIFY2(limit.ok(), qPrintable(limit.ok() ? QString() : limit.error().message));
    QCOMPARE(limit->models.first().request->example.size(), 64 * 1024);
    const Result<ModelDefinition> over =
        parse(QStringLiteral("yaml"), withRequest("      example: '{\"a\":\"" + QByteArray(64 * 1024 - 7, 'x') + "\"}'\n"));
    QVERIFY(!over.ok());
    QCOMPARE(over.error().type, ErrorType::InvalidModelDefinition);
    QCOMPARE(over.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("models[0].request.example"));

    QVERIFY(parse(QStringLiteral("yaml"), withRequest("      input_field: f\n      input_shape: [256, 256]\n")).ok());
    const Result<ModelDefinition> tooMany =
        parse(QStringLiteral("yaml"), withRequest("      input_field: f\n      input_shape: [256, 257]\n"));
    QVERIFY(!tooMany.ok());
    QCOMPARE(tooMany.error().details.value(QStringLiteral("field")).toString(),
             QStringLiteral("models[0].request.input_shape"));
}

void TestModelDefinition::invalid_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("problem");

    const QString yaml = QStringLiteral("yaml");
    const QString toml = QStringLiteral("toml");
    const QByteArray health = kService + "      health_check:\n";  // health_check at line 7

    // Required fields.
    QTest::newRow("empty document") << yaml << QByteArray() << 1 << QString()
                                    << QStringLiteral("expected a map with a \"models\" list, got null");
    QTest::newRow("models missing") << yaml << QByteArray("{}\n") << 1 << QStringLiteral("models")
                                    << QStringLiteral("required field is missing");
    QTest::newRow("models empty") << yaml << QByteArray("models: []\n") << 1 << QStringLiteral("models")
                                  << QStringLiteral("expected a non-empty list of models, got an empty list");
    QTest::newRow("name missing") << yaml << lines({"models:", "  - model_path: /models"}) << 2
                                  << QStringLiteral("models[0].name") << QStringLiteral("required field is missing");
    QTest::newRow("name empty") << yaml << lines({"models:", "  - name: ''", "    model_path: /models"}) << 2
                                << QStringLiteral("models[0].name")
                                << QStringLiteral("expected a non-empty string, got an empty string");
    QTest::newRow("model_path missing")
        << yaml << lines({"models:", "  - name: a", "    files: [x]"}) << 2 << QStringLiteral("models[0].model_path")
        << QStringLiteral("required field is missing");
    QTest::newRow("start_command missing")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      port: 8000"}) << 4
        << QStringLiteral("models[0].service.start_command") << QStringLiteral("required field is missing");
    QTest::newRow("port missing")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      start_command: srv"})
        << 4 << QStringLiteral("models[0].service.port") << QStringLiteral("required field is missing");
    QTest::newRow("health_check path missing")
        << yaml << QByteArray(health + "        interval: 3\n") << 7 << QStringLiteral("models[0].service.health_check.path")
        << QStringLiteral("required field is missing");
    QTest::newRow("action missing")
        << yaml
        << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      pre_start_actions:",
                  "        - args: {x: 1}", "      start_command: srv", "      port: 1"})
        << 6 << QStringLiteral("models[0].service.pre_start_actions[0].action")
        << QStringLiteral("required field is missing");
    QTest::newRow("toml name missing") << toml << lines({"[[models]]", "model_path = \"/models\""}) << 1
                                       << QStringLiteral("models[0].name")
                                       << QStringLiteral("required field is missing");
    QTest::newRow("toml port missing")
        << toml
        << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "", "[models.service]",
                  "start_command = \"srv\""})
        << 5 << QStringLiteral("models[0].service.port") << QStringLiteral("required field is missing");
    QTest::newRow("toml inline service")
        << toml << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "service = { port = 8000 }"}) << 4
        << QStringLiteral("models[0].service.start_command") << QStringLiteral("required field is missing");

    // Wrong types and ranges.
    QTest::newRow("root is a list") << yaml << QByteArray("- models\n") << 1 << QString()
                                    << QStringLiteral("expected a map with a \"models\" list, got a list");
    QTest::newRow("port quoted") << yaml << lines({"models:", "  - name: a", "    model_path: /models", "    service:",
                                                   "      start_command: srv", "      port: \"8000\""})
                                 << 6 << QStringLiteral("models[0].service.port")
                                 << QStringLiteral("expected an integer between 1 and 65535, got a string");
    QTest::newRow("port out of range")
        << yaml
        << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      start_command: srv",
                  "      port: 70000"})
        << 6 << QStringLiteral("models[0].service.port")
        << QStringLiteral("expected an integer between 1 and 65535, got 70000");
    QTest::newRow("port float") << toml
                                << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.service]",
                                          "start_command = \"srv\"", "port = 8000.5"})
                                << 6 << QStringLiteral("models[0].service.port")
                                << QStringLiteral("expected an integer between 1 and 65535, got 8000.5");
    QTest::newRow("name list") << yaml << lines({"models:", "  - name: [a]", "    model_path: /models"}) << 2
                               << QStringLiteral("models[0].name")
                               << QStringLiteral("expected a non-empty string, got a list");
    QTest::newRow("models map") << toml << lines({"[models]", "name = \"a\""}) << 1 << QStringLiteral("models")
                                << QStringLiteral("expected a non-empty list of models, got a map");
    QTest::newRow("start_command number")
        << yaml
        << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      start_command: 5",
                  "      port: 1"})
        << 5 << QStringLiteral("models[0].service.start_command")
        << QStringLiteral("expected a command string or a non-empty list of strings, got 5");
    QTest::newRow("start_command empty list")
        << yaml
        << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      start_command: []",
                  "      port: 1"})
        << 5 << QStringLiteral("models[0].service.start_command")
        << QStringLiteral("expected a command string or a non-empty list of strings, got an empty list");
    QTest::newRow("start_command item")
        << yaml
        << lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      start_command:",
                  "        - srv", "        - 5", "      port: 1"})
        << 7 << QStringLiteral("models[0].service.start_command[1]") << QStringLiteral("expected a string, got 5");
    QTest::newRow("health path relative")
        << yaml << QByteArray(health + "        path: health\n") << 8 << QStringLiteral("models[0].service.health_check.path")
        << QStringLiteral("expected a path starting with '/', got a string");
    QTest::newRow("interval zero") << yaml << QByteArray(health + "        path: /h\n        interval: 0\n") << 9
                                   << QStringLiteral("models[0].service.health_check.interval")
                                   << QStringLiteral("expected a number of seconds greater than 0, got 0");
    QTest::newRow("interval string") << yaml << QByteArray(health + "        path: /h\n        interval: soon\n") << 9
                                     << QStringLiteral("models[0].service.health_check.interval")
                                     << QStringLiteral("expected a number of seconds greater than 0, got a string");
    QTest::newRow("max_retries float") << yaml << QByteArray(health + "        path: /h\n        max_retries: 1.5\n") << 9
                                       << QStringLiteral("models[0].service.health_check.max_retries")
                                       << QStringLiteral("expected a non-negative integer, got 1.5");
    QTest::newRow("status code") << yaml << QByteArray(health + "        path: /h\n        expected_status_code: 700\n") << 9
                                 << QStringLiteral("models[0].service.health_check.expected_status_code")
                                 << QStringLiteral("expected an integer between 100 and 599, got 700");
    QTest::newRow("initial_delay negative") << yaml << QByteArray(health + "        path: /h\n        initial_delay: -1\n") << 9
                                            << QStringLiteral("models[0].service.health_check.initial_delay")
                                            << QStringLiteral("expected a non-negative number of seconds, got -1");
    QTest::newRow("files string") << yaml << lines({"models:", "  - name: a", "    model_path: /models", "    files: x.csv"})
                                  << 4 << QStringLiteral("models[0].files")
                                  << QStringLiteral("expected a list of file names, got a string");
    QTest::newRow("files escape")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models/sub", "    files:", "      - ok.csv",
                          "      - ../../secret"})
        << 6 << QStringLiteral("models[0].files[1]")
        << QStringLiteral("expected a path relative to model_path inside the model folder, got a string");
    QTest::newRow("model_path outside") << yaml << lines({"models:", "  - name: a", "    model_path: /etc"}) << 3
                                        << QStringLiteral("models[0].model_path")
                                        << QStringLiteral("expected a path under /models or relative to the model "
                                                          "folder, got a string");
    QTest::newRow("metadata string")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models", "    metadata: x"}) << 4
        << QStringLiteral("models[0].metadata") << QStringLiteral("expected a map, got a string");
    QTest::newRow("memory") << toml
                            << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.resources]",
                                      "cpu = 2", "memory = \"lots\""})
                            << 6 << QStringLiteral("models[0].resources.memory")
                            << QStringLiteral("expected a size such as \"512M\" or \"4G\", got a string");

    // The request block (line 7).
    const QByteArray request = kService + "    request:\n";
    const QString expectedShape = QStringLiteral("expected a list of 1 to 8 positive integers whose product is at most 65536");
    QTest::newRow("request not a map") << yaml << QByteArray(kService + "    request: /predict\n") << 7
                                       << QStringLiteral("models[0].request") << QStringLiteral("expected a map, got a string");
    QTest::newRow("request path relative")
        << yaml << QByteArray(request + "      path: predict\n") << 8 << QStringLiteral("models[0].request.path")
        << QStringLiteral("expected a path starting with '/' of at most 2048 visible ASCII characters, got a string");
    QTest::newRow("request path with a space")
        << yaml << QByteArray(request + "      path: \"/a b\"\n") << 8 << QStringLiteral("models[0].request.path")
        << QStringLiteral("expected a path starting with '/' of at most 2048 visible ASCII characters, got a string");
    QTest::newRow("request path with a line break")
        << toml << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.request]",
                          "path = \"/a\\r\\nX-Evil: 1\""})
        << 5 << QStringLiteral("models[0].request.path")
        << QStringLiteral("expected a path starting with '/' of at most 2048 visible ASCII characters, got a string");
    QTest::newRow("request path too long")
        << yaml << QByteArray(request + "      path: /" + QByteArray(2048, 'a') + "\n") << 8
        << QStringLiteral("models[0].request.path")
        << QStringLiteral("expected a path starting with '/' of at most 2048 visible ASCII characters, got a string");
    QTest::newRow("request example not JSON")
        << yaml << QByteArray(request + "      example: '{\"features\": [1,'\n") << 8
        << QStringLiteral("models[0].request.example") << QStringLiteral("expected a JSON text (");
    QTest::newRow("request example a map")
        << yaml << QByteArray(request + "      example: {features: [1]}\n") << 8
        << QStringLiteral("models[0].request.example") << QStringLiteral("expected a non-empty string, got a map");
    QTest::newRow("request example too large")
        << yaml << QByteArray(request + "      example: '[\"" + QByteArray(64 * 1024, 'x') + "\"]'\n") << 8
        << QStringLiteral("models[0].request.example")
        << QStringLiteral("expected a request body of at most 65536 bytes, got a string");
    QTest::newRow("request input_field number")
        << yaml << QByteArray(request + "      input_field: 4\n      input_shape: [4]\n") << 8
        << QStringLiteral("models[0].request.input_field") << QStringLiteral("expected a non-empty string, got 4");
    QTest::newRow("request shape empty")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: []\n") << 9
        << QStringLiteral("models[0].request.input_shape") << expectedShape + QStringLiteral(", got an empty list");
    QTest::newRow("request shape scalar")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: 4\n") << 9
        << QStringLiteral("models[0].request.input_shape") << expectedShape + QStringLiteral(", got 4");
    QTest::newRow("request shape zero")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4, 0]\n") << 9
        << QStringLiteral("models[0].request.input_shape[1]")
        << QStringLiteral("expected an integer between 1 and 65536, got 0");
    QTest::newRow("request shape float")
        << toml << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.request]",
                          "input_field = \"f\"", "input_shape = [4.5]"})
        << 6 << QStringLiteral("models[0].request.input_shape[0]")
        << QStringLiteral("expected an integer between 1 and 65536, got 4.5");
    QTest::newRow("request shape product too large")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [1024, 1024]\n") << 9
        << QStringLiteral("models[0].request.input_shape") << expectedShape + QStringLiteral(", got a list");
    QTest::newRow("request shape too many dimensions")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [1, 1, 1, 1, 1, 1, 1, 1, 1]\n") << 9
        << QStringLiteral("models[0].request.input_shape") << expectedShape + QStringLiteral(", got a list");
    QTest::newRow("request range reversed")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4]\n      input_range: [8, 0]\n") << 10
        << QStringLiteral("models[0].request.input_range")
        << QStringLiteral("expected [min, max] with finite numbers and min < max, got a list");
    QTest::newRow("request range empty")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4]\n      input_range: [1, 1]\n") << 10
        << QStringLiteral("models[0].request.input_range")
        << QStringLiteral("expected [min, max] with finite numbers and min < max, got a list");
    QTest::newRow("request range infinite")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4]\n      input_range: [0, .inf]\n") << 10
        << QStringLiteral("models[0].request.input_range[1]") << QStringLiteral("expected a finite number, got inf");
    QTest::newRow("request range nan")
        << toml << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.request]",
                          "input_field = \"f\"", "input_shape = [4]", "input_range = [nan, 1]"})
        << 7 << QStringLiteral("models[0].request.input_range[0]") << QStringLiteral("expected a finite number, got nan");
    QTest::newRow("request range three numbers")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4]\n      input_range: [0, 1, 2]\n") << 10
        << QStringLiteral("models[0].request.input_range")
        << QStringLiteral("expected [min, max] with finite numbers and min < max, got a list");
    QTest::newRow("request range string")
        << yaml << QByteArray(request + "      input_field: f\n      input_shape: [4]\n      input_range: [\"0\", 1]\n") << 10
        << QStringLiteral("models[0].request.input_range[0]") << QStringLiteral("expected a finite number, got a string");
    QTest::newRow("request field without shape")
        << yaml << QByteArray(request + "      input_field: f\n") << 7 << QStringLiteral("models[0].request.input_shape")
        << QStringLiteral("required with input_field");
    QTest::newRow("request shape without field")
        << yaml << QByteArray(request + "      input_shape: [4]\n") << 7 << QStringLiteral("models[0].request.input_field")
        << QStringLiteral("required with input_shape");
    QTest::newRow("request range without shape")
        << yaml << QByteArray(request + "      input_range: [0, 1]\n") << 7 << QStringLiteral("models[0].request.input_shape")
        << QStringLiteral("required with input_range");
    QTest::newRow("request batch_field without shape")
        << yaml << QByteArray(request + "      batch_field: instances\n") << 7 << QStringLiteral("models[0].request.input_shape")
        << QStringLiteral("required with batch_field");
    QTest::newRow("request typo")
        << yaml << QByteArray(request + "      input_fields: f\n") << 8 << QStringLiteral("models[0].request.input_fields")
        << QStringLiteral("unknown field (expected one of: path, example, input_field, batch_field, input_shape, input_range)");

    // Unknown keys.
    QTest::newRow("typo health_check")
        << yaml << QByteArray(kService + "      helth_check:\n        path: /h\n") << 7 << QStringLiteral("models[0].service.helth_check")
        << QStringLiteral("unknown field (expected one of: pre_start_actions, start_command, port, health_check)");
    QTest::newRow("typo model_path")
        << yaml << lines({"models:", "  - name: a", "    modle_path: /models"}) << 3 << QStringLiteral("models[0].modle_path")
        << QStringLiteral("unknown field (expected one of: name, model_path, files, service, resources, metadata, request)");
    QTest::newRow("typo top level") << yaml << lines({"model:", "  - name: a"}) << 1 << QStringLiteral("model")
                                    << QStringLiteral("unknown field (expected one of: models)");
    QTest::newRow("toml typo table")
        << toml
        << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.service]", "start_command = \"srv\"",
                  "port = 1", "", "[models.service.health_check]", "path = \"/h\"", "intervall = 2"})
        << 10 << QStringLiteral("models[0].service.health_check.intervall")
        << QStringLiteral("unknown field (expected one of: path, interval, max_retries, max_wait_time, "
                          "expected_status_code, initial_delay)");

    // Duplicates.
    QTest::newRow("duplicate names")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models", "  - name: b", "    model_path: /models",
                          "  - name: a", "    model_path: /models"})
        << 6 << QStringLiteral("models[2].name")
        << QStringLiteral("duplicate model name \"a\" (first defined at line 2)");
    QTest::newRow("toml duplicate names")
        << toml
        << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "", "[[models]]", "name = \"a\"",
                  "model_path = \"/models\""})
        << 6 << QStringLiteral("models[1].name")
        << QStringLiteral("duplicate model name \"a\" (first defined at line 2)");
    QTest::newRow("duplicate key") << yaml << QByteArray(kService + "      port: 9000\n") << 7 << QStringLiteral("models[0].service.port")
                                   << QStringLiteral("duplicate key");

    // Syntax errors.
    QTest::newRow("yaml syntax") << yaml
                                 << lines({"models:", "  - name: a", "    model_path: /models", "    files: [a.csv",
                                           "    service:", "      port: 1"})
                                 << 5 << QString() << QStringLiteral("syntax error: ");
    QTest::newRow("yaml bad indentation")
        << yaml << lines({"models:", "  - name: a", "    model_path: /models", "   port: 1"}) << 4 << QString()
        << QStringLiteral("syntax error: ");
    QTest::newRow("toml syntax") << toml << lines({"[[models]]", "name = \"a\"", "model_path = /models"}) << 3
                                 << QString() << QStringLiteral("syntax error: ");
    QTest::newRow("toml duplicate key")
        << toml << lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "name = \"b\""}) << 4 << QString()
        << QStringLiteral("syntax error: ");

    // An alias inside its own anchor is a cycle (found by fuzz_modeldefinition: it overflowed
    // the stack); the walk stops once it is more than 64 levels below the root.
    const QString deepest = QStringLiteral("models") + QStringLiteral("[0]").repeated(64);
    QTest::newRow("yaml alias inside its own anchor")
        << yaml << QByteArray("models: &m [*m]\n") << 1 << deepest
        << QStringLiteral("nested too deeply (more than 64 levels)");
    QTest::newRow("yaml alias inside its own anchor, fuzz input")
        << yaml << QByteArray("e: &b [*b, *b]\n") << 1 << QStringLiteral("e") + QStringLiteral("[0]").repeated(64)
        << QStringLiteral("nested too deeply (more than 64 levels)");
    QTest::newRow("yaml nested too deeply")
        << yaml << QByteArray("models: " + QByteArray(70, '[') + QByteArray(70, ']') + "\n") << 1 << deepest
        << QStringLiteral("nested too deeply (more than 64 levels)");
}

void TestModelDefinition::invalid()
{
    QFETCH(QString, format);
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, field);
    QFETCH(QString, problem);

    const Result<ModelDefinition> result = parse(format, text);
    QVERIFY(!result.ok());
    const ServiceError &error = result.error();
    const QString file = QStringLiteral("model-definition.") + format;
    QCOMPARE(error.type, ErrorType::InvalidModelDefinition);
    QCOMPARE(error.details.value(QStringLiteral("file")).toString(), file);
    QCOMPARE(error.details.value(QStringLiteral("line")).toInt(), line);
    QCOMPARE(error.details.value(QStringLiteral("field")).toString(), field);
    QString prefix = file + u':' + QString::number(line) + QStringLiteral(": ");
    if (!field.isEmpty())
        prefix += field + QStringLiteral(": ");
    QVERIFY2(error.message.startsWith(prefix + problem), qPrintable(error.message));
}

void TestModelDefinition::startCommand_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("plain") << QStringLiteral("yaml")
                           << QByteArray("      start_command: servedeck-model-server --port 8000")
                           << QStringList{QStringLiteral("servedeck-model-server"), QStringLiteral("--port"),
                                          QStringLiteral("8000")};
    QTest::newRow("quoted argument")
        << QStringLiteral("yaml") << QByteArray("      start_command: 'python -c \"import sys; print(1)\" x'")
        << QStringList{QStringLiteral("python"), QStringLiteral("-c"), QStringLiteral("import sys; print(1)"),
                       QStringLiteral("x")};
    QTest::newRow("extra spaces") << QStringLiteral("yaml") << QByteArray("      start_command: \"  srv   --a  \"")
                                  << QStringList{QStringLiteral("srv"), QStringLiteral("--a")};
    QTest::newRow("list kept as is") << QStringLiteral("yaml") << QByteArray("      start_command: [srv, \"--a b\"]")
                                     << QStringList{QStringLiteral("srv"), QStringLiteral("--a b")};
    QTest::newRow("toml string") << QStringLiteral("toml") << QByteArray("start_command = 'srv --a \"b c\"'")
                                 << QStringList{QStringLiteral("srv"), QStringLiteral("--a"), QStringLiteral("b c")};
}

void TestModelDefinition::startCommand()
{
    QFETCH(QString, format);
    QFETCH(QByteArray, line);
    QFETCH(QStringList, expected);

    const QByteArray head = format == QLatin1String("toml")
        ? lines({"[[models]]", "name = \"a\"", "model_path = \"/models\"", "[models.service]", "port = 1"})
        : lines({"models:", "  - name: a", "    model_path: /models", "    service:", "      port: 1"});
    const Result<ModelDefinition> result = parse(format, head + line + '\n');
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result->models.first().service->startCommand, expected);
}

void TestModelDefinition::loadFolderWithoutDefinition_data()
{
    QTest::addColumn<bool>("folderExists");
    QTest::newRow("empty folder") << true;
    QTest::newRow("no folder") << false;
}

void TestModelDefinition::loadFolderWithoutDefinition()
{
    QFETCH(bool, folderExists);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("model.bin")), "x"));
    const QString folder = folderExists ? dir.path() : dir.filePath(QStringLiteral("absent"));
    const Result<ModelDefinition> result = ModelDefinitionParser::loadFolder(folder);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().type, ErrorType::ModelFileNotFound);
    QCOMPARE(result.error().details.value(QStringLiteral("folder")).toString(), folder);
    const QJsonArray expected = folderExists
        ? QJsonArray{QStringLiteral("model-definition.yaml"), QStringLiteral("model-definition.yml"),
                     QStringLiteral("model-definition.toml")}
        : QJsonArray{folder};
    QCOMPARE(result.error().details.value(QStringLiteral("missing_files")).toArray(), expected);
}

void TestModelDefinition::loadFolderOrder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString toml = dir.filePath(QStringLiteral("model-definition.toml"));
    const QString yml = dir.filePath(QStringLiteral("model-definition.yml"));
    QVERIFY(writeFile(toml, lines({"[[models]]", "name = \"from-toml\"", "model_path = \"/models\""})));

    Result<ModelDefinition> result = ModelDefinitionParser::loadFolder(dir.path());
    QVERIFY(result.ok());
    QCOMPARE(result->sourceFile, toml);
    QCOMPARE(result->models.first().name, QStringLiteral("from-toml"));

    // .yml wins over .toml, and its errors name the file by its path.
    QVERIFY(writeFile(yml, lines({"models:", "  - name: from-yml"})));
    result = ModelDefinitionParser::loadFolder(dir.path());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().type, ErrorType::InvalidModelDefinition);
    QVERIFY2(result.error().message.startsWith(yml + QStringLiteral(":2: models[0].model_path: ")),
             qPrintable(result.error().message));
}

void TestModelDefinition::missingFiles_data()
{
    QTest::addColumn<QStringList>("present");  // a trailing '/' makes a folder
    QTest::addColumn<bool>("folderExists");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("complete") << QStringList{QStringLiteral("iris.csv"), QStringLiteral("weights/a.bin"),
                                             QStringLiteral("sub/x.bin"), QStringLiteral("rel/")}
                              << true << QStringList();
    QTest::newRow("several missing")
        << QStringList{QStringLiteral("iris.csv"), QStringLiteral("weights/")} << true
        << QStringList{QStringLiteral("weights/a.bin"), QStringLiteral("sub"), QStringLiteral("sub/x.bin"),
                       QStringLiteral("rel")};
    QTest::newRow("empty folder") << QStringList() << true
                                  << QStringList{QStringLiteral("iris.csv"), QStringLiteral("weights/a.bin"),
                                                 QStringLiteral("sub"), QStringLiteral("sub/x.bin"),
                                                 QStringLiteral("rel")};
    QTest::newRow("no folder") << QStringList() << false
                               << QStringList{QStringLiteral("."), QStringLiteral("iris.csv"),
                                              QStringLiteral("weights/a.bin"), QStringLiteral("sub"),
                                              QStringLiteral("sub/x.bin"), QStringLiteral("rel")};
}

void TestModelDefinition::missingFiles()
{
    QFETCH(QStringList, present);
    QFETCH(bool, folderExists);
    QFETCH(QStringList, expected);

    const Result<ModelDefinition> definition = ModelDefinitionParser::parseYaml(
        lines({"models:", "  - name: a", "    model_path: /models", "    files: [iris.csv, weights/a.bin, iris.csv]",
               "  - name: b", "    model_path: /models/sub/", "    files: [x.bin]", "  - name: c", "    model_path: rel"}),
        QStringLiteral("model-definition.yaml"));
    QVERIFY(definition.ok());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = folderExists ? dir.path() : dir.filePath(QStringLiteral("absent"));
    for (const QString &path : std::as_const(present)) {
        if (path.endsWith(u'/'))
            QVERIFY(QDir(folder).mkpath(path));
        else
            QVERIFY(writeFile(QDir(folder).filePath(path), "x"));
    }
    QCOMPARE(ModelDefinitionParser::missingFiles(*definition, folder), expected);
}

void TestModelDefinition::hostPath_data()
{
    QTest::addColumn<QString>("modelPath");
    QTest::addColumn<bool>("inside");
    QTest::addColumn<QString>("expected");  // appended to the folder

    QTest::newRow("mount point") << QStringLiteral("/models") << true << QString();
    QTest::newRow("mount point slash") << QStringLiteral("/models/") << true << QString();
    QTest::newRow("under mount") << QStringLiteral("/models/a/b.bin") << true << QStringLiteral("/a/b.bin");
    QTest::newRow("relative") << QStringLiteral("a/./b") << true << QStringLiteral("/a/b");
    QTest::newRow("dot") << QStringLiteral(".") << true << QString();
    QTest::newRow("escapes mount") << QStringLiteral("/models/../etc") << false << QString();
    QTest::newRow("escapes folder") << QStringLiteral("a/../../x") << false << QString();
    QTest::newRow("other absolute") << QStringLiteral("/etc/passwd") << false << QString();
    QTest::newRow("prefix only") << QStringLiteral("/modelsx") << false << QString();
}

void TestModelDefinition::hostPath()
{
    QFETCH(QString, modelPath);
    QFETCH(bool, inside);
    QFETCH(QString, expected);

    const QString folder = QStringLiteral("/srv/vfolders/iris");
    QCOMPARE(ModelDefinitionParser::hostPath(modelPath, folder), inside ? folder + expected : QString());
}

void TestModelDefinition::demoFolders_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("definitionFile");
    QTest::addColumn<QString>("version");

    QTest::newRow("iris-v1") << QStringLiteral("iris-v1") << QStringLiteral("model-definition.yaml")
                             << QStringLiteral("v1");
    QTest::newRow("iris-v2") << QStringLiteral("iris-v2") << QStringLiteral("model-definition.toml")
                             << QStringLiteral("v2");
}

void TestModelDefinition::demoFolders()
{
    QFETCH(QString, folder);
    QFETCH(QString, definitionFile);
    QFETCH(QString, version);

    const QString sourceDir = qEnvironmentVariable("SERVEDECK_SOURCE_DIR");
    QVERIFY2(!sourceDir.isEmpty(), "SERVEDECK_SOURCE_DIR is not set");
    const QString path = sourceDir + QStringLiteral("/resources/models/") + folder;

    const Result<ModelDefinition> result = ModelDefinitionParser::loadFolder(path);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(QFileInfo(result->sourceFile).fileName(), definitionFile);
    QCOMPARE(result->models.size(), 1);
    const ModelEntry &model = result->models.first();
    QCOMPARE(model.name, QStringLiteral("iris-classifier"));
    QCOMPARE(model.files, QStringList{QStringLiteral("iris.csv")});
    QVERIFY(model.service.has_value());
    QCOMPARE(model.service->startCommand,
             (QStringList{QStringLiteral("servedeck-model-server"), QStringLiteral("--model"),
                          QStringLiteral("/models/iris.csv"), QStringLiteral("--version"), version}));
    QCOMPARE(model.service->port, 8000);
    QVERIFY(model.service->healthCheck == (HealthCheckConfig{QStringLiteral("/health"), 2.0, 3, 5.0, 200, 0.0}));
    QCOMPARE(model.resources.value(QStringLiteral("cpu")).toInt(), 1);
    QCOMPARE(model.resources.value(QStringLiteral("memory")).toString(), QStringLiteral("256M"));
    for (const char *key : {"title", "description", "license"})
        QVERIFY2(!model.metadata.value(QLatin1String(key)).toString().isEmpty(), key);
    QCOMPARE(ModelDefinitionParser::missingFiles(*result, path), QStringList());
    QVERIFY(model.request.has_value());
    QCOMPARE(model.request->path, QStringLiteral("/predict"));
    QCOMPARE(model.request->inputField, QStringLiteral("features"));
    QCOMPARE(model.request->batchField, QStringLiteral("instances"));
    QCOMPARE(model.request->inputShape, QList<int>{4});
    QVERIFY(model.request->min < model.request->max);
    const QJsonDocument example = QJsonDocument::fromJson(model.request->example);
    QCOMPARE(example.object().value(QStringLiteral("features")).toArray().size(), 4);

    QFile csv(ModelDefinitionParser::hostPath(QStringLiteral("/models/iris.csv"), path));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().trimmed().split('\n');
    QCOMPARE(rows.size(), 151);
    QCOMPARE(rows.first(), QByteArray("sepal_length,sepal_width,petal_length,petal_width,species"));
}

QTEST_GUILESS_MAIN(TestModelDefinition)
#include "test_modeldefinition.moc"
