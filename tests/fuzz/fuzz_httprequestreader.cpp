// HttpRequestReader as HttpConnection drives it: the bytes arrive in pieces of any size,
// each read() resumes where the last one stopped, pipelined requests follow each other.
// Input: byte 0 chooses the options (small limits, target check) and seeds the cuts.
#include <cstddef>
#include <cstdint>

#include "fuzzslices.h"
#include "http/httprequestreader.h"

using ServeDeck::HttpRequestReader;

namespace {
volatile size_t sink;  // keeps the reads of the results from being optimised away
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t control = data[0];
    HttpRequestReader reader;
    if (control & 1u)
        reader.setLimits({256, 1024});  // reach the limit paths with short inputs
    reader.setCheckTarget(control & 2u);

    FuzzSlices slices(data + 1, size - 1, control * 2654435761u);
    size_t checksum = 0;
    while (!slices.atEnd()) {
        size_t length = 0;
        const auto piece = slices.next(&length);
        qsizetype pos = 0;
        while (pos < qsizetype(length)) {
            qsizetype consumed = 0;
            const auto result = reader.read(piece.get() + pos, qsizetype(length) - pos, &consumed);
            if (consumed < 0 || consumed > qsizetype(length) - pos)
                __builtin_trap();  // the reader claims bytes it was never given
            pos += consumed;
            reader.takeContinue();
            if (result == HttpRequestReader::Result::Refused) {
                sink = checksum + size_t(reader.error().status);
                return 0;
            }
            if (result == HttpRequestReader::Result::Stopped)
                return 0;
            if (result == HttpRequestReader::Result::Message) {
                const auto &message = reader.message();
                QByteArrayView path, query;
                HttpRequestReader::parseTarget(message.target, message.method == "CONNECT", &path, &query);
                checksum += size_t(message.body.size() + message.headers.size() + path.size() + query.size());
                reader.dropLargeBody();
                continue;
            }
            if (result == HttpRequestReader::Result::NeedMore && pos != qsizetype(length))
                __builtin_trap();  // NeedMore promises that everything was consumed
        }
    }
    sink = checksum + size_t(reader.inMessage());
    return 0;
}
