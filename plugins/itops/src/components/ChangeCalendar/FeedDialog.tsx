import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  TextField,
  Typography,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EventIcon from '@material-ui/icons/Event';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { itopsApiRef } from '../../api';
import type { ItopsCalendarFilters } from './types';

/**
 * Subscribing to the calendar from Outlook or Google Calendar: creates a
 * personal feed token for the current filters and lists the user's tokens
 * to revoke them.
 */
export function FeedDialog(props: { filters: ItopsCalendarFilters }) {
  const api = useApi(itopsApiRef);
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState<string>();
  const [tokens, loadTokens] = useAsyncFn(
    () => api.listCalendarFeedTokens(),
    [api],
  );
  const [created, create] = useAsyncFn(async () => {
    const token = await api.createCalendarFeedToken('Calendar subscription');
    setUrl(await api.getCalendarFeedUrl(token.token, props.filters));
    await loadTokens();
  }, [api, props.filters]);

  return (
    <>
      <Button
        size="small"
        startIcon={<EventIcon />}
        onClick={() => {
          setOpen(true);
          setUrl(undefined);
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
            revoke it here when no longer needed.
          </Typography>
          {url ? (
            <TextField
              id="itops-calendar-feed-url"
              fullWidth
              label="Feed URL"
              value={url}
              InputProps={{ readOnly: true }}
              onFocus={e => e.target.select()}
            />
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
          {created.error && (
            <Typography color="error">{created.error.message}</Typography>
          )}
          <List dense aria-label="feed tokens">
            {tokens.value?.items.map(token => (
              <ListItem key={token.id}>
                <ListItemText
                  primary={token.name}
                  secondary={`created ${token.createdAt.slice(0, 10)}${
                    token.lastUsedAt
                      ? `, last used ${token.lastUsedAt.slice(0, 10)}`
                      : ''
                  }, ${
                    Date.parse(token.expiresAt) <= Date.now()
                      ? 'expired'
                      : 'expires'
                  } ${token.expiresAt.slice(0, 10)}`}
                />
                <ListItemSecondaryAction>
                  <IconButton
                    aria-label={`revoke ${token.name} ${token.id}`}
                    onClick={async () => {
                      await api.revokeCalendarFeedToken(token.id);
                      await loadTokens();
                    }}
                  >
                    <DeleteIcon />
                  </IconButton>
                </ListItemSecondaryAction>
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
