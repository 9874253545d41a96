# The scaling recommender: its own library beside usage accounting's, so neither waits on the
# other. Included from core/CMakeLists.txt; paths are this folder's.
add_library(servedeck_recommend STATIC
    ${CMAKE_CURRENT_LIST_DIR}/autoscalerreplay.cpp ${CMAKE_CURRENT_LIST_DIR}/autoscalerreplay.h
    ${CMAKE_CURRENT_LIST_DIR}/recommendation.cpp ${CMAKE_CURRENT_LIST_DIR}/recommendation.h
    ${CMAKE_CURRENT_LIST_DIR}/scalingadvisor.cpp ${CMAKE_CURRENT_LIST_DIR}/scalingadvisor.h
)
target_include_directories(servedeck_recommend PUBLIC ${CMAKE_SOURCE_DIR}/core)
target_link_libraries(servedeck_recommend PUBLIC servedeck_autoscale servedeck_store servedeck_domain Qt6::Core servedeck_common)
