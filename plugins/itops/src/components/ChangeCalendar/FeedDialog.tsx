import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  List,
  ListItem,
  ListItemText,
  TextField,
  Typography,
} from '@material-ui/core';
import EventIcon from '@material-ui/icons/Event';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { itopsApiRef } from '../../api';
import { describeItopsError } from '../shared/ItopsErrorPanel';
import type { ItopsCalendarFeedToken, ItopsCalendarFilters } from './types';

/**
 * What a feed token lets its holder do. Every token has the same scope: the
 * backend binds none to filters (those are in the URL), and each feed
 * request re-checks that the owner still holds `itops.change.read`.
 */
const TOKEN_SCOPE = 'Scope: read the change calendar feed, as you';

/**
 * Subscribing to the calendar from Outlook or Google Calendar: creates a
 * personal feed token for the current filters and lists the user's tokens
 * to rotate or revoke them. A token's secret is shown only right after it
 * was created or rotated: the backend stores it hashed.
 */
export function FeedDialog(props: { filters: ItopsCalendarFilters }) {
  const api = useApi(itopsApiRef);
  const [open, setOpen] = useState(false);
  const [issued, setIssued] = useState<{ url: string; name: string }>();
  const [tokens, loadTokens] = useAsyncFn(
    () => api.listCalendarFeedTokens(),
    [api],
  );
  const issue = async (token: { token: string; name: string }) => {
    setIssued({
      url: await api.getCalendarFeedUrl(token.token, props.filters),
      name: token.name,
    });
    await loadTokens();
  };
  const [created, create] = useAsyncFn(
    async () =>
      issue(await api.createCalendarFeedToken('Calendar subscription')),
    [api, props.filters],
  );
  // One state for the per-token actions, so the last failure is the one
  // shown and a later success clears it.
  const [action, act] = useAsyncFn(
    async (kind: 'rotate' | 'revoke', token: ItopsCalendarFeedToken) => {
      if (kind === 'rotate') {
        await issue(await api.rotateCalendarFeedToken(token.id));
      } else {
        await api.revokeCalendarFeedToken(token.id);
        await loadTokens();
      }
    },
    [api, props.filters],
  );
  const failure = created.error ?? action.error ?? tokens.error;

  return (
    <>
      <Button
        size="small"
        startIcon={<EventIcon />}
        onClick={() => {
          setOpen(true);
          setIssued(undefined);
          loadTokens();
        }}
      >
        Subscribe
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle>Subscribe to this calendar</DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            The feed (iCalendar) has the changes of the current filters and all
            freeze windows. Its URL holds a personal token: keep it private, and
            rotate or revoke it here when it may have leaked or is no longer
            needed.
          </Typography>
          {issued ? (
            <>
              <Box display="flex" alignItems="center">
                <TextField
                  id="itops-calendar-feed-url"
                  fullWidth
                  label="Feed URL"
                  value={issued.url}
                  InputProps={{ readOnly: true }}
                  onFocus={e => e.target.select()}
                />
                <CopyTextButton
                  text={issued.url}
                  aria-label="Copy feed URL"
                  tooltipText="Feed URL copied"
                />
              </Box>
              <Typography variant="caption" component="p">
                New URL for {issued.name}: shown only now, copy it before
                closing.
              </Typography>
            </>
          ) : (
            <Button
              variant="contained"
              color="primary"
              disabled={created.loading}
              onClick={create}
            >
              Create feed URL
            </Button>
          )}
          {failure && (
            <Typography color="error" role="alert">
              {describeItopsError(failure).message}
            </Typography>
          )}
          <List dense aria-label="feed tokens">
            {tokens.value?.items.map(token => (
              <ListItem key={token.id} divider>
                <ListItemText
                  primary={token.name}
                  secondary={
                    <>
                      <span>{tokenDates(token)}</span>
                      <br />
                      <span>{TOKEN_SCOPE}</span>
                    </>
                  }
                />
                <Button
                  size="small"
                  aria-label={`rotate ${token.name} ${token.id}`}
                  disabled={action.loading}
                  onClick={() => act('rotate', token)}
                >
                  Rotate
                </Button>
                <Button
                  size="small"
                  aria-label={`revoke ${token.name} ${token.id}`}
                  disabled={action.loading}
                  onClick={() => act('revoke', token)}
                >
                  Revoke
                </Button>
              </ListItem>
            ))}
          </List>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

function tokenDates(token: ItopsCalendarFeedToken): string {
  const expired = Date.parse(token.expiresAt) <= Date.now();
  return `created ${token.createdAt.slice(0, 10)}${
    token.lastUsedAt ? `, last used ${token.lastUsedAt.slice(0, 10)}` : ''
  }, ${expired ? 'expired' : 'expires'} ${token.expiresAt.slice(0, 10)}`;
}
