// The model-definition parser on the bytes of a model-definition.yaml or .toml, through the
// same entry points loadFolder() uses after reading the file. Byte 0 picks the format.
#include <cstddef>
#include <cstdint>

#include <QByteArray>
#include <QString>

#include "domain/modeldefinition.h"

using ServeDeck::ModelDefinitionParser;

namespace {
volatile size_t sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const bool toml = data[0] & 1u;
    const QByteArray text(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const auto parsed = toml ? ModelDefinitionParser::parseToml(text, QStringLiteral("model-definition.toml"))
                             : ModelDefinitionParser::parseYaml(text, QStringLiteral("model-definition.yaml"));
    sink = parsed ? size_t(ModelDefinitionParser::missingFiles(parsed.value(), QStringLiteral("/nonexistent")).size())
                  : size_t(parsed.error().message.size());
    return 0;
}
