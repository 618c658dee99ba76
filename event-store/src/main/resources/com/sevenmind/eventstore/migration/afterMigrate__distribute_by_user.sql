-- After every migrate, not only once: a store migrated before Citus was added to its database (or restored into a
-- Citus coordinator with its history) is distributed on its next start. Nothing before V9 defines the function.
DO $$
BEGIN
    IF to_regprocedure('distribute_by_user()') IS NOT NULL THEN
        PERFORM distribute_by_user();
    END IF;
END
$$;
