-- GIN's pending list kept short (issue 22). With fastupdate (the
-- default) a write adds its entries to an unsorted pending list, merged
-- into the index when it passes gin_pending_list_limit (4 MB by default)
-- or at vacuum, and every GIN scan reads the whole list: after 5,000
-- messages written, a rare word's GIN scan at 10⁵ messages read 245
-- pages instead of 4 and took 1.8 ms instead of 0.18 (a search asks
-- GIN once a group, sb_newest up to nine times); at 4 MB, ~512 pages a
-- scan. Autovacuum merges it only every fifth of the table's size in
-- inserts, so a desk that writes all day searches through it. 256 kB
-- bounds a scan's reading of it to 32 pages; writes merge it eight
-- times as often, each merge an eighth as large.
ALTER INDEX messages_search SET (gin_pending_list_limit = 256);
ALTER INDEX conversations_search SET (gin_pending_list_limit = 256);
ALTER INDEX customers_search SET (gin_pending_list_limit = 256);
