package fr.eduatlas.observatory;

import java.util.List;
import java.util.Map;

/**
 * A school with its yearly figures: connectivity, equipment and speed tests, each row with the
 * French column names of the contribution format and its provenance.
 */
public record SchoolDetail(
    School school,
    List<Map<String, Object>> connectivity,
    List<Map<String, Object>> equipment,
    List<Map<String, Object>> speedTests) {}
