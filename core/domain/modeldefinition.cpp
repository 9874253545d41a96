#include "modeldefinition.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <initializer_list>
#include <sstream>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

namespace ServeDeck {

namespace {

// YAML aliases share nodes; expanding them could blow up, so the tree is capped.
constexpr int kMaxNodes = 100000;
// An alias inside its own anchor ("a: &x [*x]") makes a cycle that kMaxNodes would only stop
// after the stack is gone; no definition is nearly this deep.
constexpr int kMaxDepth = 64;
// The request block's bounds: a body Try sends as it is, and inputs the simulator generates.
constexpr qsizetype kMaxExampleBytes = 64 * 1024;
constexpr qlonglong kMaxInputNumbers = 65536;
constexpr int kMaxInputDims = 8;
constexpr qsizetype kMaxRequestPath = 2048;
constexpr qsizetype kMaxFieldName = 256;

// Both formats become this tree first, so one validator serves both.
struct Node
{
    enum class Kind { Null, Bool, Int, Float, String, List, Map };
    Kind kind = Kind::Null;
    int line = 1;
    QString path;  // field path for messages: models[0].service.port
    QVariant scalar;
    std::vector<Node> children;  // list items or map values
    QStringList keys;            // map keys, parallel to children
};

struct Invalid
{
    int line;
    QString field;
    QString problem;
};

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString itemPath(const QString &path, qsizetype index)
{
    return path + u'[' + QString::number(index) + u']';
}

void spend(int &budget, int line)
{
    if (--budget < 0)
        throw Invalid{line, QString(), QStringLiteral("definition too large (more than %1 nodes)").arg(kMaxNodes)};
}

// YAML 1.2 core schema: plain scalars are typed by their text, quoted ones are strings.
Node yamlScalar(const YAML::Node &y)
{
    Node n;
    const QString text = QString::fromStdString(y.Scalar());
    n.kind = Node::Kind::String;
    n.scalar = text;
    const std::string &tag = y.Tag();
    if (tag == "!" || tag.ends_with(":str"))
        return n;

    static const QRegularExpression decimal(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression floating(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    static const QRegularExpression infinity(QStringLiteral("^[-+]?\\.(inf|Inf|INF)$"));
    static const QRegularExpression nan(QStringLiteral("^\\.(nan|NaN|NAN)$"));

    bool ok = false;
    qlonglong integer = 0;
    if (decimal.match(text).hasMatch())
        integer = text.toLongLong(&ok, 10);
    else if (text.startsWith(QLatin1String("0x")))
        integer = text.mid(2).toLongLong(&ok, 16);
    else if (text.startsWith(QLatin1String("0o")))
        integer = text.mid(2).toLongLong(&ok, 8);
    if (ok) {
        n.kind = Node::Kind::Int;
        n.scalar = integer;
    } else if (floating.match(text).hasMatch()) {
        n.kind = Node::Kind::Float;
        n.scalar = text.toDouble();
    } else if (infinity.match(text).hasMatch()) {
        n.kind = Node::Kind::Float;
        n.scalar = text.startsWith(u'-') ? -HUGE_VAL : HUGE_VAL;
    } else if (nan.match(text).hasMatch()) {
        n.kind = Node::Kind::Float;
        n.scalar = std::nan("");
    } else if (text == QLatin1String("true") || text == QLatin1String("True") || text == QLatin1String("TRUE")) {
        n.kind = Node::Kind::Bool;
        n.scalar = true;
    } else if (text == QLatin1String("false") || text == QLatin1String("False") || text == QLatin1String("FALSE")) {
        n.kind = Node::Kind::Bool;
        n.scalar = false;
    }
    return n;
}

int yamlLine(const YAML::Mark &mark, int fallback)
{
    return mark.is_null() ? fallback : mark.line + 1;
}

Node fromYaml(const YAML::Node &y, const QString &path, int line, int &budget, int depth = 0)
{
    spend(budget, line);
    if (depth > kMaxDepth)
        throw Invalid{line, path, QStringLiteral("nested too deeply (more than %1 levels)").arg(kMaxDepth)};
    Node n;
    if (y.IsScalar())
        n = yamlScalar(y);
    n.path = path;
    n.line = yamlLine(y.Mark(), line);
    if (y.IsSequence()) {
        n.kind = Node::Kind::List;
        for (const YAML::Node &item : y)
            n.children.push_back(fromYaml(item, itemPath(path, qsizetype(n.children.size())), n.line, budget,
                                          depth + 1));
    } else if (y.IsMap()) {
        n.kind = Node::Kind::Map;
        for (const auto &entry : y) {
            const int keyLine = yamlLine(entry.first.Mark(), n.line);
            if (!entry.first.IsScalar())
                throw Invalid{keyLine, path, QStringLiteral("expected a string key")};
            const QString key = QString::fromStdString(entry.first.Scalar());
            if (n.keys.contains(key))
                throw Invalid{keyLine, childPath(path, key), QStringLiteral("duplicate key")};
            Node child = fromYaml(entry.second, childPath(path, key), keyLine, budget, depth + 1);
            child.line = keyLine;  // where the reader looks for the field
            n.keys << key;
            n.children.push_back(std::move(child));
        }
    }
    return n;
}

Node fromToml(const toml::node &t, const QString &path, int line, int &budget)
{
    spend(budget, line);
    Node n;
    n.path = path;
    n.line = t.source().begin.line > 0 ? int(t.source().begin.line) : line;
    if (const toml::table *table = t.as_table()) {
        n.kind = Node::Kind::Map;
        // toml::table is sorted by key; document order keeps "first problem" meaningful.
        std::vector<std::pair<const toml::key *, const toml::node *>> entries;
        for (const auto &[key, value] : *table)
            entries.emplace_back(&key, &value);
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto &a, const auto &b) { return a.first->source().begin < b.first->source().begin; });
        for (const auto &[key, value] : entries) {
            const QString name = QString::fromUtf8(key->str().data(), qsizetype(key->str().size()));
            n.keys << name;
            n.children.push_back(fromToml(*value, childPath(path, name), n.line, budget));
        }
    } else if (const toml::array *array = t.as_array()) {
        n.kind = Node::Kind::List;
        for (const toml::node &item : *array)
            n.children.push_back(fromToml(item, itemPath(path, qsizetype(n.children.size())), n.line, budget));
    } else if (const auto *s = t.as_string()) {
        n.kind = Node::Kind::String;
        n.scalar = QString::fromStdString(s->get());
    } else if (const auto *i = t.as_integer()) {
        n.kind = Node::Kind::Int;
        n.scalar = qlonglong(i->get());
    } else if (const auto *f = t.as_floating_point()) {
        n.kind = Node::Kind::Float;
        n.scalar = f->get();
    } else if (const auto *b = t.as_boolean()) {
        n.kind = Node::Kind::Bool;
        n.scalar = b->get();
    } else {
        // Dates and times have no Qt counterpart here; keep their TOML text.
        std::ostringstream text;
        if (const auto *d = t.as_date())
            text << d->get();
        else if (const auto *tm = t.as_time())
            text << tm->get();
        else if (const auto *dt = t.as_date_time())
            text << dt->get();
        n.kind = Node::Kind::String;
        n.scalar = QString::fromStdString(text.str());
    }
    return n;
}

// --- validation -------------------------------------------------------------

QString describe(const Node &n)
{
    switch (n.kind) {
    case Node::Kind::Null:
        return QStringLiteral("null");
    case Node::Kind::Bool:
        return QStringLiteral("a boolean");
    case Node::Kind::Int:
    case Node::Kind::Float:
        return n.scalar.toString();
    case Node::Kind::String:
        return n.scalar.toString().isEmpty() ? QStringLiteral("an empty string") : QStringLiteral("a string");
    case Node::Kind::List:
        return n.children.empty() ? QStringLiteral("an empty list") : QStringLiteral("a list");
    case Node::Kind::Map:
        break;
    }
    return QStringLiteral("a map");
}

[[noreturn]] void expected(const Node &n, const QString &what)
{
    throw Invalid{n.line, n.path, QStringLiteral("expected ") + what + QStringLiteral(", got ") + describe(n)};
}

void requireMap(const Node &n)
{
    if (n.kind != Node::Kind::Map)
        expected(n, QStringLiteral("a map"));
}

void checkKeys(const Node &map, std::initializer_list<QLatin1String> allowed)
{
    for (qsizetype i = 0; i < map.keys.size(); ++i) {
        if (std::find(allowed.begin(), allowed.end(), map.keys[i]) != allowed.end())
            continue;
        QStringList names;
        for (QLatin1String name : allowed)
            names << name;
        throw Invalid{map.children[size_t(i)].line, map.children[size_t(i)].path,
                      QStringLiteral("unknown field (expected one of: ") + names.join(QStringLiteral(", ")) + u')'};
    }
}

// Absent or null: nullptr.
const Node *optional(const Node &map, QLatin1String key)
{
    const qsizetype i = map.keys.indexOf(key);
    if (i < 0 || map.children[size_t(i)].kind == Node::Kind::Null)
        return nullptr;
    return &map.children[size_t(i)];
}

const Node &required(const Node &map, QLatin1String key)
{
    const qsizetype i = map.keys.indexOf(key);
    if (i < 0)
        throw Invalid{map.line, childPath(map.path, key), QStringLiteral("required field is missing")};
    return map.children[size_t(i)];
}

QString nonEmptyString(const Node &n)
{
    if (n.kind != Node::Kind::String || n.scalar.toString().isEmpty())
        expected(n, QStringLiteral("a non-empty string"));
    return n.scalar.toString();
}

int integer(const Node &n, qlonglong min, qlonglong max, const QString &what)
{
    if (n.kind != Node::Kind::Int || n.scalar.toLongLong() < min || n.scalar.toLongLong() > max)
        expected(n, what);
    return int(n.scalar.toLongLong());
}

double number(const Node &n, bool zeroAllowed, const QString &what)
{
    const double v = n.scalar.toDouble();
    if ((n.kind != Node::Kind::Int && n.kind != Node::Kind::Float) || !std::isfinite(v) || v < 0 || (v == 0 && !zeroAllowed))
        expected(n, what);
    return v;
}

QVariant toVariant(const Node &n)
{
    if (n.kind == Node::Kind::List) {
        QVariantList list;
        for (const Node &item : n.children)
            list << toVariant(item);
        return list;
    }
    if (n.kind == Node::Kind::Map) {
        QVariantMap map;
        for (qsizetype i = 0; i < n.keys.size(); ++i)
            map.insert(n.keys[i], toVariant(n.children[size_t(i)]));
        return map;
    }
    return n.scalar;
}

// A relative path that stays inside the folder, cleaned ("" for the folder itself).
std::optional<QString> insideFolder(const QString &path)
{
    const QString clean = QDir::cleanPath(path);
    if (!QDir::isRelativePath(clean) || clean == QLatin1String("..") || clean.startsWith(QLatin1String("../")))
        return std::nullopt;
    return clean == QLatin1String(".") ? QString() : clean;
}

std::optional<QString> folderRelative(const QString &modelPath)
{
    const QString clean = QDir::cleanPath(modelPath);
    if (clean == QLatin1String("/models"))
        return QString();
    if (clean.startsWith(QLatin1String("/models/")))
        return insideFolder(clean.mid(8));
    return insideFolder(modelPath);
}

QString joinRelative(const QString &dir, const QString &file)
{
    return dir.isEmpty() ? file : dir + u'/' + file;
}

HealthCheckConfig buildHealthCheck(const Node &h)
{
    requireMap(h);
    checkKeys(h, {QLatin1String("path"), QLatin1String("interval"), QLatin1String("max_retries"),
                  QLatin1String("max_wait_time"), QLatin1String("expected_status_code"),
                  QLatin1String("initial_delay")});
    HealthCheckConfig hc;
    const Node &path = required(h, QLatin1String("path"));
    hc.path = nonEmptyString(path);
    if (!hc.path.startsWith(u'/'))
        expected(path, QStringLiteral("a path starting with '/'"));
    if (const Node *n = optional(h, QLatin1String("interval")))
        hc.interval = number(*n, false, QStringLiteral("a number of seconds greater than 0"));
    if (const Node *n = optional(h, QLatin1String("max_retries")))
        hc.maxRetries = integer(*n, 0, INT_MAX, QStringLiteral("a non-negative integer"));
    if (const Node *n = optional(h, QLatin1String("max_wait_time")))
        hc.maxWaitTime = number(*n, false, QStringLiteral("a number of seconds greater than 0"));
    if (const Node *n = optional(h, QLatin1String("expected_status_code")))
        hc.expectedStatusCode = integer(*n, 100, 599, QStringLiteral("an integer between 100 and 599"));
    if (const Node *n = optional(h, QLatin1String("initial_delay")))
        hc.initialDelay = number(*n, true, QStringLiteral("a non-negative number of seconds"));
    return hc;
}

QStringList buildStartCommand(const Node &n)
{
    QStringList command;
    if (n.kind == Node::Kind::String) {
        command = QProcess::splitCommand(n.scalar.toString());
    } else if (n.kind == Node::Kind::List) {
        for (const Node &item : n.children) {
            if (item.kind != Node::Kind::String)
                expected(item, QStringLiteral("a string"));
            command << item.scalar.toString();
        }
    }
    if (command.isEmpty() || command.first().isEmpty())
        expected(n, QStringLiteral("a command string or a non-empty list of strings"));
    return command;
}

ModelServiceConfig buildService(const Node &s)
{
    requireMap(s);
    checkKeys(s, {QLatin1String("pre_start_actions"), QLatin1String("start_command"), QLatin1String("port"),
                  QLatin1String("health_check")});
    ModelServiceConfig service;
    if (const Node *actions = optional(s, QLatin1String("pre_start_actions"))) {
        if (actions->kind != Node::Kind::List)
            expected(*actions, QStringLiteral("a list"));
        for (const Node &a : actions->children) {
            requireMap(a);
            checkKeys(a, {QLatin1String("action"), QLatin1String("args")});
            PreStartAction action;
            action.action = nonEmptyString(required(a, QLatin1String("action")));
            if (const Node *args = optional(a, QLatin1String("args"))) {
                requireMap(*args);
                action.args = toVariant(*args).toMap();
            }
            service.preStartActions << action;
        }
    }
    service.startCommand = buildStartCommand(required(s, QLatin1String("start_command")));
    service.port = integer(required(s, QLatin1String("port")), 1, 65535,
                           QStringLiteral("an integer between 1 and 65535"));
    if (const Node *h = optional(s, QLatin1String("health_check")))
        service.healthCheck = buildHealthCheck(*h);
    return service;
}

QVariantMap buildResources(const Node &r)
{
    requireMap(r);
    static const QRegularExpression size(QStringLiteral("^[0-9]+(\\.[0-9]+)?([KMGTPkmgtp]i?)?[Bb]?$"));
    for (qsizetype i = 0; i < r.keys.size(); ++i) {
        const Node &n = r.children[size_t(i)];
        const bool isNumber = n.kind == Node::Kind::Int || n.kind == Node::Kind::Float;
        const bool isString = n.kind == Node::Kind::String && !n.scalar.toString().isEmpty();
        if (r.keys[i] == QLatin1String("cpu")) {
            if (!isString && !(isNumber && n.scalar.toDouble() > 0))
                expected(n, QStringLiteral("a positive number or a string"));
        } else if (r.keys[i] == QLatin1String("memory")) {
            if (!(isString && size.match(n.scalar.toString()).hasMatch())
                && !(n.kind == Node::Kind::Int && n.scalar.toLongLong() >= 0))
                expected(n, QStringLiteral("a size such as \"512M\" or \"4G\""));
        } else if (r.keys[i] == QLatin1String("gpu")) {
            number(n, true, QStringLiteral("a non-negative number"));
        } else if (!isNumber && !isString) {
            expected(n, QStringLiteral("a number or a string"));
        }
    }
    return toVariant(r).toMap();
}

QString fieldName(const Node &n)
{
    const QString name = nonEmptyString(n);
    if (name.size() > kMaxFieldName)
        expected(n, QStringLiteral("a field name of at most %1 characters").arg(kMaxFieldName));
    return name;
}

RequestHints buildRequest(const Node &r)
{
    requireMap(r);
    checkKeys(r, {QLatin1String("path"), QLatin1String("example"), QLatin1String("input_field"),
                  QLatin1String("batch_field"), QLatin1String("input_shape"), QLatin1String("input_range")});
    RequestHints hints;
    if (const Node *path = optional(r, QLatin1String("path"))) {
        // It goes into a request line as it is: visible ASCII only, no spaces.
        static const QRegularExpression originForm(QStringLiteral("^/[!-~]*$"));
        hints.path = nonEmptyString(*path);
        if (hints.path.size() > kMaxRequestPath || !originForm.match(hints.path).hasMatch())
            expected(*path, QStringLiteral("a path starting with '/' of at most %1 visible ASCII characters")
                                .arg(kMaxRequestPath));
    }
    if (const Node *example = optional(r, QLatin1String("example"))) {
        hints.example = nonEmptyString(*example).toUtf8();
        if (hints.example.size() > kMaxExampleBytes)
            expected(*example, QStringLiteral("a request body of at most %1 bytes").arg(kMaxExampleBytes));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(hints.example, &error);
        if (error.error != QJsonParseError::NoError || document.isNull())
            expected(*example, QStringLiteral("a JSON text (%1 at offset %2)").arg(error.errorString()).arg(error.offset));
    }
    if (const Node *field = optional(r, QLatin1String("input_field")))
        hints.inputField = fieldName(*field);
    if (const Node *field = optional(r, QLatin1String("batch_field")))
        hints.batchField = fieldName(*field);
    if (const Node *shape = optional(r, QLatin1String("input_shape"))) {
        const QString what = QStringLiteral("a list of 1 to %1 positive integers whose product is at most %2")
                                 .arg(kMaxInputDims)
                                 .arg(kMaxInputNumbers);
        if (shape->kind != Node::Kind::List || shape->children.empty() || shape->children.size() > size_t(kMaxInputDims))
            expected(*shape, what);
        qlonglong product = 1;
        for (const Node &dim : shape->children) {
            hints.inputShape << integer(dim, 1, kMaxInputNumbers, QStringLiteral("an integer between 1 and %1").arg(kMaxInputNumbers));
            product *= hints.inputShape.constLast();  // each factor <= 65536 and the running product too: no overflow
            if (product > kMaxInputNumbers)
                expected(*shape, what);
        }
    }
    if (const Node *range = optional(r, QLatin1String("input_range"))) {
        const QString what = QStringLiteral("[min, max] with finite numbers and min < max");
        if (range->kind != Node::Kind::List || range->children.size() != 2)
            expected(*range, what);
        for (const Node &bound : range->children) {
            if ((bound.kind != Node::Kind::Int && bound.kind != Node::Kind::Float) || !std::isfinite(bound.scalar.toDouble()))
                expected(bound, QStringLiteral("a finite number"));
        }
        hints.min = range->children[0].scalar.toDouble();
        hints.max = range->children[1].scalar.toDouble();
        if (!(hints.min < hints.max))
            expected(*range, what);
    }
    // Generated inputs need both where they go and how many numbers they are.
    if (hints.inputField.isEmpty() != hints.inputShape.isEmpty()) {
        const QLatin1String missing = hints.inputField.isEmpty() ? QLatin1String("input_field") : QLatin1String("input_shape");
        throw Invalid{r.line, childPath(r.path, missing), QStringLiteral("required with ")
                                                              + (hints.inputField.isEmpty() ? QStringLiteral("input_shape")
                                                                                            : QStringLiteral("input_field"))};
    }
    if (hints.inputShape.isEmpty() && (optional(r, QLatin1String("input_range")) || !hints.batchField.isEmpty())) {
        const QLatin1String key = optional(r, QLatin1String("input_range")) ? QLatin1String("input_range")
                                                                             : QLatin1String("batch_field");
        throw Invalid{r.line, childPath(r.path, QLatin1String("input_shape")),
                      QStringLiteral("required with ") + key};
    }
    return hints;
}

ModelEntry buildModel(const Node &m, QHash<QString, int> &nameLines)
{
    requireMap(m);
    checkKeys(m, {QLatin1String("name"), QLatin1String("model_path"), QLatin1String("files"),
                  QLatin1String("service"), QLatin1String("resources"), QLatin1String("metadata"),
                  QLatin1String("request")});
    ModelEntry entry;
    const Node &name = required(m, QLatin1String("name"));
    entry.name = nonEmptyString(name);
    if (nameLines.contains(entry.name))
        throw Invalid{name.line, name.path,
                      QStringLiteral("duplicate model name \"%1\" (first defined at line %2)")
                          .arg(entry.name)
                          .arg(nameLines.value(entry.name))};
    nameLines.insert(entry.name, name.line);

    const Node &modelPath = required(m, QLatin1String("model_path"));
    entry.modelPath = nonEmptyString(modelPath);
    const std::optional<QString> modelDir = folderRelative(entry.modelPath);
    if (!modelDir)
        expected(modelPath, QStringLiteral("a path under /models or relative to the model folder"));

    if (const Node *files = optional(m, QLatin1String("files"))) {
        if (files->kind != Node::Kind::List)
            expected(*files, QStringLiteral("a list of file names"));
        for (const Node &f : files->children) {
            const QString file = nonEmptyString(f);
            if (!QDir::isRelativePath(file) || !insideFolder(joinRelative(*modelDir, file)))
                expected(f, QStringLiteral("a path relative to model_path inside the model folder"));
            entry.files << file;
        }
    }
    if (const Node *service = optional(m, QLatin1String("service")))
        entry.service = buildService(*service);
    if (const Node *resources = optional(m, QLatin1String("resources")))
        entry.resources = buildResources(*resources);
    if (const Node *metadata = optional(m, QLatin1String("metadata"))) {
        requireMap(*metadata);
        entry.metadata = toVariant(*metadata).toMap();
    }
    if (const Node *request = optional(m, QLatin1String("request")))
        entry.request = buildRequest(*request);
    return entry;
}

ModelDefinition buildDefinition(const Node &root, const QString &fileName)
{
    if (root.kind != Node::Kind::Map)
        expected(root, QStringLiteral("a map with a \"models\" list"));
    checkKeys(root, {QLatin1String("models")});
    const Node &models = required(root, QLatin1String("models"));
    if (models.kind != Node::Kind::List || models.children.empty())
        expected(models, QStringLiteral("a non-empty list of models"));
    ModelDefinition definition;
    definition.sourceFile = fileName;
    QHash<QString, int> nameLines;
    for (const Node &m : models.children)
        definition.models << buildModel(m, nameLines);
    return definition;
}

ServiceError invalid(const QString &fileName, int line, const QString &field, const QString &problem)
{
    QString message = fileName + u':' + QString::number(line) + QStringLiteral(": ");
    if (!field.isEmpty())
        message += field + QStringLiteral(": ");
    message += problem;
    return makeError(ErrorType::InvalidModelDefinition, message,
                     {{QStringLiteral("file"), fileName},
                      {QStringLiteral("line"), line},
                      {QStringLiteral("field"), field}});
}

} // namespace

Result<ModelDefinition> ModelDefinitionParser::parseYaml(const QByteArray &text, const QString &fileName)
{
    try {
        int budget = kMaxNodes;
        return buildDefinition(fromYaml(YAML::Load(text.toStdString()), QString(), 1, budget), fileName);
    } catch (const Invalid &e) {
        return invalid(fileName, e.line, e.field, e.problem);
    } catch (const YAML::Exception &e) {
        return invalid(fileName, yamlLine(e.mark, 1), QString(),
                       QStringLiteral("syntax error: ") + QString::fromStdString(e.msg));
    }
}

Result<ModelDefinition> ModelDefinitionParser::parseToml(const QByteArray &text, const QString &fileName)
{
    try {
        int budget = kMaxNodes;
        const toml::table root = toml::parse(std::string_view(text.constData(), size_t(text.size())),
                                             fileName.toStdString());
        return buildDefinition(fromToml(root, QString(), 1, budget), fileName);
    } catch (const Invalid &e) {
        return invalid(fileName, e.line, e.field, e.problem);
    } catch (const toml::parse_error &e) {
        const int line = e.source().begin.line > 0 ? int(e.source().begin.line) : 1;
        return invalid(fileName, line, QString(),
                       QStringLiteral("syntax error: ")
                           + QString::fromUtf8(e.description().data(), qsizetype(e.description().size())));
    }
}

Result<ModelDefinition> ModelDefinitionParser::loadFolder(const QString &folder)
{
    static const QStringList names{QStringLiteral("model-definition.yaml"), QStringLiteral("model-definition.yml"),
                                   QStringLiteral("model-definition.toml")};
    if (!QFileInfo(folder).isDir())
        return makeError(ErrorType::ModelFileNotFound, QStringLiteral("model folder not found: ") + folder,
                         {{QStringLiteral("folder"), folder},
                          {QStringLiteral("missing_files"), QJsonArray{folder}}});
    const QDir dir(folder);
    for (const QString &name : names) {
        const QString path = dir.filePath(name);
        if (!QFileInfo(path).isFile())
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(ErrorType::StorageError, QStringLiteral("cannot read ") + path + QStringLiteral(": ")
                                                          + file.errorString(),
                             {{QStringLiteral("file"), path}});
        const QByteArray text = file.readAll();
        return name.endsWith(QLatin1String(".toml")) ? parseToml(text, path) : parseYaml(text, path);
    }
    return makeError(ErrorType::ModelFileNotFound,
                     QStringLiteral("no model-definition.yaml, .yml or .toml in ") + folder,
                     {{QStringLiteral("folder"), folder},
                      {QStringLiteral("missing_files"), QJsonArray::fromStringList(names)}});
}

QStringList ModelDefinitionParser::missingFiles(const ModelDefinition &definition, const QString &folder)
{
    QStringList missing;
    const auto check = [&](const QString &relative) {
        const QString shown = relative.isEmpty() ? QStringLiteral(".") : relative;
        if (!missing.contains(shown) && !QFileInfo::exists(QDir(folder).filePath(relative)))
            missing << shown;
    };
    for (const ModelEntry &model : definition.models) {
        const std::optional<QString> dir = folderRelative(model.modelPath);
        if (!dir) {  // cannot be inside the folder at all
            if (!missing.contains(model.modelPath))
                missing << model.modelPath;
            continue;
        }
        check(*dir);
        for (const QString &file : model.files)
            check(QDir::cleanPath(joinRelative(*dir, file)));
    }
    return missing;
}

QString ModelDefinitionParser::hostPath(const QString &modelPath, const QString &folder)
{
    const std::optional<QString> relative = folderRelative(modelPath);
    if (!relative)
        return QString();
    return QDir::cleanPath(relative->isEmpty() ? folder : folder + u'/' + *relative);
}

} // namespace ServeDeck
