/* @name FindOperatorOrganization */
-- The operator organization: the first created on this installation (ties, in one transaction's
-- now(), broken by id). Its admins are the system admins (the System page).
SELECT id FROM organizations ORDER BY created_at, id LIMIT 1;
