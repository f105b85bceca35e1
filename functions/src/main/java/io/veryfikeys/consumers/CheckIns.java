package io.veryfikeys.consumers;

import java.util.List;
import java.util.Map;

/** The port to the check-in table: the records with these ids (absent ones are left out). */
public interface CheckIns {
    Map<String, CheckIn> read(List<String> ids);
}
