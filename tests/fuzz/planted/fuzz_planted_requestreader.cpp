// The planted-bug target: PlantedRequestReader fed exactly as fuzz_httprequestreader feeds
// the real reader. Not part of the ctest run; it exists to be run by hand and crash.
#include <cstddef>
#include <cstdint>

#include "../fuzzslices.h"
#include "plantedrequestreader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    PlantedRequestReader reader;
    FuzzSlices slices(data + 1, size - 1, data[0] * 2654435761u);
    while (!slices.atEnd()) {
        size_t length = 0;
        const auto piece = slices.next(&length);
        size_t pos = 0;
        while (pos < length) {
            size_t consumed = 0;
            const auto result = reader.read(piece.get() + pos, length - pos, &consumed);
            pos += consumed;
            if (result == PlantedRequestReader::Result::Refused)
                return 0;
            if (result == PlantedRequestReader::Result::NeedMore)
                break;
        }
    }
    return 0;
}
