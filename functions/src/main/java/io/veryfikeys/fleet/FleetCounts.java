package io.veryfikeys.fleet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How many accounts a fleet run rotates, and how many it skips or blocks, by reason. */
public record FleetCounts(int rotate, Map<String, Integer> skip, Map<String, Integer> blocked) {

    public static FleetCounts of(List<FleetChoice> choices) {
        Map<String, Integer> skip = new TreeMap<>();
        Map<String, Integer> blocked = new TreeMap<>();
        int rotate = 0;
        for (FleetChoice choice : choices) {
            if (choice.rotates()) {
                rotate++;
            } else {
                (choice.action() == FleetChoice.Action.SKIP ? skip : blocked)
                        .merge(choice.reason().name(), 1, Integer::sum);
            }
        }
        return new FleetCounts(rotate, skip, blocked);
    }
}
